"""Exercises of chapter 4, Loss functions: mean squared error, cross-entropy from logits with
integer labels and with one-hot targets, and binary cross-entropy with log(0) guarded.
Inputs are plain float64 arrays (labels int64); every answer is one number."""
# Over the house style's ~300 lines on purpose: each exercise of the chapter is defined whole
# in this file (statement, stub, points, cases, judge, hints, reference solution and typical
# wrong answers), so a teacher changes an exercise in one place; tools/exercise.py writes the
# notebook's cells from it and proves it.
from __future__ import annotations

import numpy as np

from dlcourse import functional as F
from dlcourse.grading.spec import Case, Exercise, Hint

__all__ = ["EXERCISES"]


# --- cases (seeded, small) ----------------------------------------------------------------------
def _mse_cases():
    rng = np.random.default_rng(40)
    return [
        Case((np.array([3.0, -0.5, 2.0, 7.0]), np.array([2.5, 0.0, 2.0, 8.0])), label="four predictions"),
        Case((rng.normal(size=(4, 3)), rng.normal(size=(4, 3))), label="a (4, 3) batch"),
        Case((np.array([1.0]), np.array([4.0])), label="one prediction, off by 3"),
        Case((rng.normal(size=10) * 5, rng.normal(size=10) * 5), label="ten larger errors"),
    ]


def _ce_cases():
    rng = np.random.default_rng(41)
    return [
        Case((np.array([[2.0, 1.0, 0.1]]), np.array([0])), label="one sample, 3 classes, label 0"),
        Case((rng.normal(size=(6, 4)), rng.integers(0, 4, size=6)), label="a batch: N=6, C=4"),
        Case((np.array([[0.0, 0.0], [3.0, -3.0]]), np.array([1, 0])), label="N=2, C=2"),
        Case((np.array([[1000.0, 0.0, -1000.0], [-1000.0, 1000.0, 0.0]]), np.array([2, 0])),
             label="logits of +-1000, confidently wrong (log(0)?)"),
    ]


def _ce_onehot_cases():
    rng = np.random.default_rng(42)
    labels = rng.integers(0, 5, size=7)
    return [
        Case((np.array([[2.0, 1.0, 0.1]]), np.array([[1.0, 0.0, 0.0]])), label="one sample, one-hot [1, 0, 0]"),
        Case((rng.normal(size=(7, 5)), np.eye(5)[labels]), label="a batch: N=7, C=5"),
        Case((rng.normal(size=(3, 4)), np.array([[0.7, 0.1, 0.1, 0.1], [0.25] * 4, [0.0, 0.5, 0.5, 0.0]])),
             label="soft targets (probabilities)"),
        Case((np.array([[1000.0, 0.0, -1000.0], [0.0, 1000.0, 999.0]]), np.array([[0.0, 0.0, 1.0], [0.0, 0.0, 1.0]])),
             label="logits of +-1000 (log(0)?)"),
    ]


def _bce_cases():
    rng = np.random.default_rng(43)
    return [
        Case((np.array([0.9, 0.2, 0.6]), np.array([1.0, 0.0, 0.0])), label="three predictions"),
        Case((rng.uniform(0.05, 0.95, size=8), rng.integers(0, 2, size=8).astype(float)), label="eight predictions"),
        Case((np.array([1.0, 0.0, 0.7, 0.3]), np.array([1.0, 0.0, 1.0, 0.0])),
             label="p exactly 1 and 0, both right (0 * log 0?)"),
        Case((rng.uniform(0.05, 0.95, size=(3, 2)), rng.integers(0, 2, size=(3, 2)).astype(float)),
             label="a (3, 2) batch"),
    ]


def _kl_cases():
    rng = np.random.default_rng(44)
    q = rng.uniform(0.1, 1.0, size=6)
    return [
        Case((np.array([0.7, 0.2, 0.1]), np.array([0.5, 0.3, 0.2])), label="three classes"),
        Case((np.array([0.25, 0.25, 0.25, 0.25]), np.array([0.25, 0.25, 0.25, 0.25])),
             label="p equal to y: KL = 0"),
        Case((np.array([0.0, 1.0, 0.0]), np.array([0.2, 0.5, 0.3])),
             label="a one-hot y (0 log 0?)"),
        Case((np.array([0.5, 0.0, 0.3, 0.2, 0.0, 0.0]), q / q.sum()),
             label="six classes, some y_c = 0 (0 log 0?)"),
    ]


def _kl_reference(y, p):
    y, p = np.asarray(y, dtype=float), np.asarray(p, dtype=float)
    pos = y > 0
    return float(np.sum(y[pos] * np.log(y[pos] / p[pos])))


# --- hints (each guarded: a hint must never raise) ----------------------------------------------
def _safe(pred):
    def when(got, exp, case):
        try:
            return bool(pred(got, exp, case))
        except Exception:
            return False
    return when


def _n(case):
    return np.asarray(case.args[0]).shape[0]


def _is_sum(got, exp, case):
    return _n(case) > 1 and np.isclose(got, exp * _n(case))


def _mse_is_sum(got, exp, case):
    return np.asarray(case.args[0]).size > 1 and np.isclose(got, exp * np.asarray(case.args[0]).size)


def _mse_half(got, exp, case):
    return np.isclose(got, exp / 2)


def _mse_abs(got, exp, case):
    y_hat, y = case.args
    return np.isclose(got, np.mean(np.abs(y_hat - y)))


def _not_finite(got, exp, case):
    return not np.isfinite(np.asarray(got, dtype=float)).all()


def _sign(got, exp, case):
    return np.isclose(got, -exp)


def _per_class_mean(got, exp, case):
    return np.isclose(got, exp / np.asarray(case.args[0]).shape[1])


def _rounded_epsilon(got, exp, case):
    return np.isfinite(got) and exp > 100 and 0 < got < 50


def _is_nan(got, exp, case):
    return bool(np.isnan(np.asarray(got, dtype=float)).any())


def _kl_reversed(got, exp, case):
    y, p = case.args
    if (y == 0).any():
        return False  # KL(p || y) is infinite here; not this mistake
    return not np.isclose(exp, _kl_reference(p, y)) and np.isclose(got, _kl_reference(p, y))


def _kl_is_cross_entropy(got, exp, case):
    y, p = case.args
    ce = float(-np.sum(y * np.log(p)))
    return not np.isclose(exp, ce) and np.isclose(got, ce)


# --- the exercises ------------------------------------------------------------------------------
_NAN_LOG = ("inf or NaN: log(0) happened. Compute log-softmax as z - max - log(sum(exp(z - max))), "
            "never log(softmax(z)).")

EXERCISES = [
    Exercise(
        id="04.mse_loss", title="Mean squared error", name="mse_loss", points=1,
        cases=_mse_cases, reference=F.mse_loss,
        hints=[
            Hint(_safe(_mse_is_sum), "That is the sum of squared errors: divide by the number of elements."),
            Hint(_safe(_mse_half), "Half the expected value: the 1/2 belongs to the sum of squared "
                                   "errors, not to MSE."),
            Hint(_safe(_mse_abs), "That is the mean absolute error: square the differences."),
        ],
        hint="mse_loss(y_hat, y) = mean((y_hat - y) ** 2) over every element; return one number.",
        forbidden=("dlcourse.functional.mse_loss", "torch.nn.functional.mse_loss"),
        statement=r"""
Write `mse_loss(y_hat, y)` for predictions `y_hat` and targets `y` of the same shape (any shape):

$$\mathrm{MSE} = \frac{1}{n}\sum_{i=1}^{n} (\hat y_i - y_i)^2,$$

where $n$ is the number of elements. Return one number.

Example: `mse_loss(np.array([3.0, -0.5, 2.0, 7.0]), np.array([2.5, 0.0, 2.0, 8.0]))` gives `0.375`.
""",
        stub='''
def mse_loss(y_hat, y):
    """Mean of the squared differences over all elements; one number."""
    # YOUR CODE HERE
    raise NotImplementedError
''',
    ),
    Exercise(
        id="04.cross_entropy", title="Cross-entropy from logits with integer labels",
        name="cross_entropy", points=2,
        cases=_ce_cases, reference=F.cross_entropy,
        hints=[
            Hint(_safe(_not_finite), _NAN_LOG),
            Hint(_safe(_rounded_epsilon), "A small epsilon inside log(...) hides log(0) but gives the "
                                          "wrong number for confident mistakes: use log-softmax."),
            Hint(_safe(_is_sum), "That is the sum over the batch: average over the N samples."),
            Hint(_safe(_sign), "The sign is flipped: the loss is minus the log-probability."),
        ],
        hint=("For logits z of shape (N, C) and labels y of shape (N,): log_p = log_softmax(z) row by "
              "row, then the mean of -log_p[np.arange(N), y]."),
        forbidden=("dlcourse.functional.cross_entropy", "torch.nn.functional.cross_entropy"),
        warnings_fail=True,
        heading='Cross-entropy from logits, with integer labels',
        statement=r"""
Write `cross_entropy(logits, labels)`: `logits` $z$ has shape `(N, C)` (raw scores, **not**
probabilities), `labels` $y$ has shape `(N,)` with integers in `0 .. C-1`. Return the mean over the
batch of $-\log \mathrm{softmax}(z_n)_{y_n}$.

Compute the log-probabilities with the stable log-softmax, never as `np.log(softmax(z))`:

$$\log \mathrm{softmax}(z)_c = (z_c - m) - \log \sum_j e^{z_j - m}, \qquad m = \max_j z_j .$$

One check has logits of $\pm 1000$, where the softmax of the right class is exactly 0 in float64, so
`np.log` of it is $-\infty$; the right loss there is 2000.

Example: `cross_entropy(np.array([[2.0, 1.0, 0.1]]), np.array([0]))` gives `0.41703...`.

*Hint:* `log_p[np.arange(N), labels]` picks one entry per row.
""",
        stub='''
def cross_entropy(logits, labels):
    """Mean cross-entropy of logits (N, C) against integer labels (N,).

    Returns one number.
    """
    # YOUR CODE HERE
    raise NotImplementedError
''',
    ),
    Exercise(
        id="04.cross_entropy_onehot", title="Cross-entropy from logits with one-hot targets",
        name="cross_entropy_onehot", points=1,
        cases=_ce_onehot_cases, reference=F.cross_entropy,
        hints=[
            Hint(_safe(_not_finite), _NAN_LOG),
            Hint(_safe(_per_class_mean), "You divided by N * C (np.mean of the whole (N, C) array): "
                                         "sum over classes, then average over samples."),
            Hint(_safe(_is_sum), "That is the sum over the batch: average over the N samples."),
            Hint(_safe(_sign), "The sign is flipped: the loss is minus the log-probability."),
        ],
        hint=("For logits z and targets t, both (N, C): the mean over samples of "
              "-sum(t * log_softmax(z), axis=1)."),
        forbidden=("dlcourse.functional.cross_entropy", "torch.nn.functional.cross_entropy"),
        warnings_fail=True,
        heading='Cross-entropy from logits, with one-hot targets',
        statement=r"""
Now the targets come as rows $y$ of shape `(N, C)`: one-hot rows such as `[0, 0, 1]`, or more
generally probabilities that sum to 1. Write `cross_entropy_onehot(logits, targets)`:

$$L = \frac{1}{N} \sum_{n=1}^{N} \Bigl( -\sum_{c=1}^{C} y_{n,c} \log \mathrm{softmax}(z_n)_c \Bigr).$$

Sum over the classes, average over the samples. With one-hot targets the answer equals exercise 2's.

Example: `cross_entropy_onehot(np.array([[2.0, 1.0, 0.1]]), np.array([[1.0, 0.0, 0.0]]))` gives `0.41703...`.
""",
        stub='''
def cross_entropy_onehot(logits, targets):
    """Mean cross-entropy of logits (N, C) against target rows (N, C).

    Returns one number.
    """
    # YOUR CODE HERE
    raise NotImplementedError
''',
    ),
    Exercise(
        id="04.binary_cross_entropy", title="Binary cross-entropy with log(0) guarded",
        name="binary_cross_entropy", points=2,
        cases=_bce_cases, reference=F.binary_cross_entropy, rtol=1e-4, atol=1e-6,
        hints=[
            Hint(_safe(_not_finite), "NaN or inf: at p = 0, log(p) is -inf and 0 * -inf is NaN. "
                                     "Clip p into [1e-12, 1 - 1e-12] before taking logs."),
            Hint(_safe(_is_sum), "That is the sum over the batch: average instead."),
            Hint(_safe(_sign), "The sign is flipped: the loss is minus the log-likelihood."),
        ],
        hint=("binary_cross_entropy(p, t) = mean(-(t * log(p) + (1 - t) * log(1 - p))), with p "
              "clipped away from exactly 0 and 1 (e.g. np.clip(p, 1e-12, 1 - 1e-12))."),
        forbidden=("dlcourse.functional.binary_cross_entropy", "torch.nn.functional.binary_cross_entropy"),
        warnings_fail=True,
        heading='Binary cross-entropy, with log(0) guarded',
        statement=r"""
Write `binary_cross_entropy(p, y)` for predicted probabilities `p` (a sigmoid's outputs, in
$[0, 1]$) and targets `y` (0 or 1), both of the same shape:

$$L = \frac{1}{n}\sum_{i=1}^{n} -\bigl[y_i \log p_i + (1 - y_i) \log (1 - p_i)\bigr].$$

One check has $p$ exactly 0 and exactly 1 (with the matching targets): there `np.log(0)` is $-\infty$
with a warning, and $0 \cdot (-\infty)$ is NaN. Clip `p` into $[10^{-12}, 1 - 10^{-12}]$ first
(`np.clip`). No warnings allowed.

Example: `binary_cross_entropy(np.array([0.9, 0.2, 0.6]), np.array([1.0, 0.0, 0.0]))` gives `0.41493...`.
""",
        stub='''
def binary_cross_entropy(p, y):
    """Mean binary cross-entropy of probabilities p against 0/1 targets y.

    Returns one number.
    """
    # YOUR CODE HERE
    raise NotImplementedError
''',
    ),
    Exercise(
        id="04.kl_divergence", title="The KL divergence between two distributions",
        name="kl_divergence", points=1, cases=_kl_cases, reference=_kl_reference,
        hints=[
            Hint(_safe(_is_nan), "NaN: where y_c = 0 the term y_c log(y_c / p_c) is "
                                     "0 * log 0, which NumPy makes NaN. Such terms count as 0: "
                                     "sum only over the classes with y_c > 0 (a boolean mask)."),
            Hint(_safe(_kl_reversed), "That is KL(p || y): the arguments are swapped, and KL is "
                                      "not symmetric. Weight by y: sum of y_c log(y_c / p_c)."),
            Hint(_safe(_kl_is_cross_entropy), "That is the cross-entropy H(y, p); the KL divergence "
                                              "is the cross-entropy minus the entropy H(y)."),
        ],
        hint="kl_divergence(y, p) = sum over c of y_c * log(y_c / p_c), where terms with y_c = 0 "
             "count as 0; return one number.",
        forbidden=("torch.nn.functional.kl_div", "scipy.special.rel_entr", "scipy.special.kl_div",
                   "scipy.stats.entropy"),
        warnings_fail=True,
        statement=r"""
Write `kl_divergence(y, p)` for two probability vectors of the same shape `(C,)`: a target `y`
(entries $\ge 0$, summing to 1, some possibly exactly 0) and a prediction `p` (entries $> 0$,
summing to 1). Return the KL divergence, in nats (natural log), as one number:

$$
\mathrm{KL}(y \,\|\, p) = \sum_{c=1}^{C} y_c \log \frac{y_c}{p_c} .
$$

A term with $y_c = 0$ counts as 0 (the limit of $y \log y$ as $y \to 0$), but NumPy computes
$0 \cdot \log 0$ as NaN with a warning; leave those terms out. No warnings allowed.

Example: `kl_divergence(np.array([0.0, 1.0]), np.array([0.5, 0.5]))` gives `0.69314...`
($\log 2$), and `kl_divergence(y, y)` is `0` for any `y`.
""",
        stub='''
def kl_divergence(y, p):
    """KL(y || p) = sum of y_c * log(y_c / p_c), with 0 log 0 counted as 0.

    y, p: arrays of shape (C,). Returns one number.
    """
    # YOUR CODE HERE
    raise NotImplementedError
''',
    ),
]


# ------------------------------------------------------------ the proof
# The reference solution of each exercise and its typical wrong answers, as the source a
# learner would paste into the answer cell (see CONTRIBUTING.md, tools/exercise.py prove).
SOLUTIONS = {
    "04.mse_loss": '''
def mse_loss(y_hat, y):
    return np.mean((y_hat - y) ** 2)
''',
    "04.cross_entropy": '''
def cross_entropy(logits, labels):
    shifted = logits - logits.max(axis=1, keepdims=True)                     # (N, C)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))     # log-softmax
    n = logits.shape[0]
    return -log_p[np.arange(n), labels].mean()
''',
    "04.cross_entropy_onehot": '''
def cross_entropy_onehot(logits, targets):
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return -(targets * log_p).sum(axis=1).mean()
''',
    "04.binary_cross_entropy": '''
def binary_cross_entropy(p, t):
    p = np.clip(p, 1e-12, 1 - 1e-12)     # keep log away from log(0)
    return -np.mean(t * np.log(p) + (1 - t) * np.log(1 - p))
''',
    "04.kl_divergence": '''
def kl_divergence(y, p):
    y, p = np.asarray(y, dtype=float), np.asarray(p, dtype=float)
    pos = y > 0                      # 0 * log 0 counts as 0
    return float(np.sum(y[pos] * np.log(y[pos] / p[pos])))
''',
}

WRONG = {
    "04.mse_loss": [
        # a sum, not a mean
        ("def mse_loss(y_hat, y):\n    return np.sum((y_hat - y) ** 2)\n", "sum of squared errors"),
        # mean absolute error
        ("def mse_loss(y_hat, y):\n    return np.mean(np.abs(y_hat - y))\n", "mean absolute error"),
        # a stray 1/2
        ("def mse_loss(y_hat, y):\n    return 0.5 * np.mean((y_hat - y) ** 2)\n", "Half the expected"),
        "def mse_loss(y_hat, y):\n    return np.mean(y_hat - y) ** 2\n",             # square of the mean
    ],
    "04.cross_entropy": [
        # log of a (stable) softmax: log(0) = -inf for confident mistakes
        ("def cross_entropy(logits, labels):\n"
         "    e = np.exp(logits - logits.max(axis=1, keepdims=True))\n"
         "    p = e / e.sum(axis=1, keepdims=True)\n"
         "    return -np.mean(np.log(p[np.arange(len(labels)), labels]))\n", "log(0) happened"),
        # the same, with the epsilon trick: finite, but about 16 instead of 2000
        ("def cross_entropy(logits, labels):\n"
         "    e = np.exp(logits - logits.max(axis=1, keepdims=True))\n"
         "    p = e / e.sum(axis=1, keepdims=True)\n"
         "    return -np.mean(np.log(p[np.arange(len(labels)), labels] + 1e-7))\n",
         "A small epsilon"),
        # summed over the batch
        ("def cross_entropy(logits, labels):\n"
         "    s = logits - logits.max(axis=1, keepdims=True)\n"
         "    log_p = s - np.log(np.exp(s).sum(axis=1, keepdims=True))\n"
         "    return -log_p[np.arange(len(labels)), labels].sum()\n", "sum over the batch"),
        # the minus sign forgotten: the mean log-probability
        ("def cross_entropy(logits, labels):\n"
         "    s = logits - logits.max(axis=1, keepdims=True)\n"
         "    log_p = s - np.log(np.exp(s).sum(axis=1, keepdims=True))\n"
         "    return log_p[np.arange(len(labels)), labels].mean()\n", "The sign is flipped"),
        # the logits taken as log-probabilities
        ("def cross_entropy(logits, labels):\n"
         "    return -logits[np.arange(len(labels)), labels].mean()\n"),
    ],
    "04.cross_entropy_onehot": [
        # np.mean over the whole (N, C) array divides by N * C
        ("def cross_entropy_onehot(logits, targets):\n"
         "    s = logits - logits.max(axis=1, keepdims=True)\n"
         "    log_p = s - np.log(np.exp(s).sum(axis=1, keepdims=True))\n"
         "    return -np.mean(targets * log_p)\n", "You divided by N * C"),
        # log of the softmax: -inf at +-1000
        ("def cross_entropy_onehot(logits, targets):\n"
         "    e = np.exp(logits - logits.max(axis=1, keepdims=True))\n"
         "    p = e / e.sum(axis=1, keepdims=True)\n"
         "    return -np.mean(np.sum(targets * np.log(p), axis=1))\n", "log(0) happened"),
        # the minus sign forgotten
        ("def cross_entropy_onehot(logits, targets):\n"
         "    s = logits - logits.max(axis=1, keepdims=True)\n"
         "    log_p = s - np.log(np.exp(s).sum(axis=1, keepdims=True))\n"
         "    return (targets * log_p).sum(axis=1).mean()\n", "The sign is flipped"),
        # summed over the batch
        ("def cross_entropy_onehot(logits, targets):\n"
         "    s = logits - logits.max(axis=1, keepdims=True)\n"
         "    log_p = s - np.log(np.exp(s).sum(axis=1, keepdims=True))\n"
         "    return -(targets * log_p).sum()\n", "sum over the batch"),
    ],
    "04.binary_cross_entropy": [
        # no guard: 0 * log(0) = NaN, with a divide-by-zero warning
        ("def binary_cross_entropy(p, t):\n    return -np.mean(t * np.log(p) + (1 - t) * np.log(1 - p))\n",
         "NaN or inf"),
        # the (1 - t) half forgotten
        ("def binary_cross_entropy(p, t):\n"
         "    p = np.clip(p, 1e-12, 1 - 1e-12)\n"
         "    return -np.mean(t * np.log(p))\n"),
        # summed instead of averaged
        ("def binary_cross_entropy(p, t):\n"
         "    p = np.clip(p, 1e-12, 1 - 1e-12)\n"
         "    return -np.sum(t * np.log(p) + (1 - t) * np.log(1 - p))\n", "sum over the batch"),
        # the minus sign forgotten
        ("def binary_cross_entropy(p, t):\n"
         "    p = np.clip(p, 1e-12, 1 - 1e-12)\n"
         "    return np.mean(t * np.log(p) + (1 - t) * np.log(1 - p))\n", "The sign is flipped"),
    ],
    "04.kl_divergence": [
        # the formula as written: 0 * log 0 is NaN (with a warning)
        ("def kl_divergence(y, p):\n    return np.sum(y * np.log(y / p))\n", "NaN: where y_c = 0"),
        # the arguments swapped: KL(p || y)
        ("def kl_divergence(y, p):\n"
         "    pos = p > 0\n    return np.sum(p[pos] * np.log(p[pos] / y[pos]))\n", "KL(p || y)"),
        # the cross-entropy, without subtracting the entropy
        ("def kl_divergence(y, p):\n    return -np.sum(y * np.log(p))\n", "That is the cross-entropy"),
        # the 0 log 0 terms dropped, but the log base 2
        ("def kl_divergence(y, p):\n"
         "    pos = y > 0\n    return np.sum(y[pos] * np.log2(y[pos] / p[pos]))\n"),
    ],
}
