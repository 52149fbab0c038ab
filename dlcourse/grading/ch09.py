"""Exercises of chapter 9, Regularization: inverted dropout forward and backward with a given
mask, the L2 penalty and its gradient, early stopping with patience, and batch normalisation's
forward pass in training mode, and layer normalisation's forward pass. Inputs and answers are plain NumPy arrays, numbers and lists."""
# Over the house style's ~300 lines on purpose: each exercise of the chapter is defined whole
# in this file (statement, stub, points, cases, judge, hints, reference solution and typical
# wrong answers), so a teacher changes an exercise in one place; tools/exercise.py writes the
# notebook's cells from it and proves it.
from __future__ import annotations

import math

import numpy as np

from dlcourse.grading.spec import Case, Exercise, Hint

__all__ = ["EXERCISES", "dropout_forward", "dropout_backward", "l2_penalty",
           "early_stopping_epoch", "batchnorm_forward", "layernorm_forward"]


# --- reference answers --------------------------------------------------------------------------
def dropout_forward(x, mask, p):
    """Inverted dropout: keep where mask is True and scale the kept values by 1 / (1 - p)."""
    return np.where(mask, x, 0.0) / (1.0 - p)


def dropout_backward(dout, mask, p):
    """The gradient flows only through the kept units, with the same 1 / (1 - p) scale."""
    return np.where(mask, dout, 0.0) / (1.0 - p)


def l2_penalty(weights, lam):
    """(lam / 2) * sum of every squared weight, and its gradient lam * W for each array."""
    value = 0.5 * lam * sum(float(np.sum(np.asarray(w, dtype=float) ** 2)) for w in weights)
    return value, [lam * np.asarray(w, dtype=float) for w in weights]


def early_stopping_epoch(val_losses, patience):
    """(best_epoch, stop_epoch): stop at the first epoch that makes `patience` epochs in a row
    without a strictly lower validation loss; epochs count from 0; no stop -> the last epoch."""
    best, best_epoch, bad = math.inf, -1, 0
    for epoch, loss in enumerate(val_losses):
        if loss < best:
            best, best_epoch, bad = loss, epoch, 0
        else:
            bad += 1
            if bad == patience:
                return best_epoch, epoch
    return best_epoch, len(val_losses) - 1


def batchnorm_forward(x, gamma, beta, eps=1e-5):
    """Batch norm in training mode: normalise each feature with the batch mean and the biased
    variance, then scale by gamma and shift by beta."""
    x = np.asarray(x, dtype=float)
    mean = x.mean(axis=0)
    var = x.var(axis=0)  # biased: divide by N, as torch does for the normalisation itself
    return gamma * (x - mean) / np.sqrt(var + eps) + beta


def layernorm_forward(x, gamma, beta, eps=1e-5):
    """Layer norm: normalise each example (row) over its features with its own mean and biased
    variance, then scale by gamma and shift by beta (both of shape (D,))."""
    x = np.asarray(x, dtype=float)
    mean = x.mean(axis=-1, keepdims=True)
    var = x.var(axis=-1, keepdims=True)
    return gamma * (x - mean) / np.sqrt(var + eps) + beta


# --- cases --------------------------------------------------------------------------------------
def _dropout_cases():
    rng = np.random.default_rng(90)
    x = rng.normal(size=(4, 5))
    return [
        Case((np.array([1.0, 2.0, 3.0, 4.0]), np.array([True, False, True, False]), 0.5),
             label="four values, p = 0.5"),
        Case((x, rng.random((4, 5)) >= 0.2, 0.2), label="a (4, 5) batch, p = 0.2"),
        Case((np.array([[-1.0, 2.0], [3.0, -4.0]]), np.ones((2, 2), dtype=bool), 0.0),
             label="p = 0: nothing dropped, nothing scaled"),
        Case((rng.normal(size=(2, 3)), np.array([[True, False, False], [False, False, True]]), 0.75),
             label="p = 0.75: kept values are multiplied by 4"),
    ]


def _l2_cases():
    rng = np.random.default_rng(91)
    return [
        Case(([np.array([3.0, 4.0])], 0.1), label="one weight vector, lam = 0.1"),
        Case(([rng.normal(size=(3, 2)), rng.normal(size=(1, 3))], 0.01), label="two weight matrices"),
        Case(([np.array([[1.0, -1.0]]), np.zeros((2, 2))], 1.0), label="lam = 1, one array of zeros"),
        Case(([rng.normal(size=4)], 0.0), label="lam = 0: no penalty"),
    ]


def _es_cases():
    return [
        Case(([1.0, 0.8, 0.9, 0.85, 0.7, 0.75, 0.8, 0.9, 0.6], 3),
             label="improves at epoch 4, then 3 bad epochs (the 0.6 comes too late)"),
        Case(([1.0, 0.5, 0.5, 0.5, 0.6, 0.4], 2), label="ties are not improvements"),
        Case(([0.9, 0.8, 0.7, 0.6], 2), label="always improving: never stops early"),
        Case(([0.5, 0.6, 0.4], 1), label="patience 1"),
        Case(([2.0, 1.0, 1.5, 1.2, 0.9, 1.1, 1.3], 5), label="patience 5, never reached"),
    ]


def _bn_cases():
    rng = np.random.default_rng(92)
    return [
        Case((np.array([[1.0, 2.0], [3.0, 6.0]]), np.ones(2), np.zeros(2)),
             label="two samples, gamma 1, beta 0"),
        Case((rng.normal(2.0, 3.0, size=(8, 4)), np.array([1.0, 2.0, 0.5, -1.0]), np.array([0.0, 1.0, -1.0, 0.5])),
             label="a (8, 4) batch with gamma and beta"),
        Case((np.array([[1.0, 0.0], [1.0, 2.0], [1.0, 4.0]]), np.ones(2), np.zeros(2)),
             label="a constant feature (variance 0: eps keeps it finite)"),
        Case((rng.normal(size=(5, 3)), np.ones(3), np.zeros(3)), {"eps": 0.5}, label="eps = 0.5"),
    ]


def _ln_cases():
    rng = np.random.default_rng(93)
    return [
        Case((np.array([[1.0, 2.0, 3.0], [2.0, 4.0, 12.0]]), np.ones(3), np.zeros(3)),
             label="two examples, gamma 1, beta 0"),
        Case((rng.normal(2.0, 3.0, size=(4, 5)), np.array([1.0, 2.0, 0.5, -1.0, 3.0]),
              np.array([0.0, 1.0, -1.0, 0.5, 2.0])), label="a (4, 5) batch with gamma and beta"),
        Case((np.array([[3.0, -1.0, 4.0, 1.0]]), np.ones(4), np.zeros(4)),
             label="a batch of one example"),
        Case((np.array([[2.0, 2.0, 2.0], [0.0, 1.0, 5.0]]), np.ones(3), np.zeros(3)),
             label="a constant example (variance 0: eps keeps it finite)"),
        Case((rng.normal(size=(3, 4)), np.ones(4), np.zeros(4)), {"eps": 0.5}, label="eps = 0.5"),
    ]


# --- hints (each guarded: a hint must never raise) ----------------------------------------------
def _safe(pred):
    def when(got, exp, case):
        try:
            return bool(pred(got, exp, case))
        except Exception:
            return False
    return when


def _close(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return a.shape == b.shape and np.allclose(a, b, rtol=1e-6, atol=1e-9)


def _unscaled(got, exp, case):
    return _close(got, np.where(case.args[1], case.args[0], 0.0)) and not _close(got, exp)


def _times_keep(got, exp, case):
    return _close(got, np.where(case.args[1], case.args[0], 0.0) * (1 - case.args[2])) and not _close(got, exp)


def _l1(got, exp, case):
    ws, lam = case.args
    return _close(got[1][0], lam * np.sign(ws[0])) and not _close(got[1][0], exp[1][0])


def _no_half(got, exp, case):
    return exp[0] != 0 and _close(got[0], 2 * exp[0])


def _patience_off_by_one(got, exp, case):  # stops one epoch late or one epoch early
    losses, patience = case.args
    return tuple(got) != tuple(exp) and tuple(got) in {
        early_stopping_epoch(losses, p) for p in (patience - 1, patience + 1) if p >= 1}


def _ties(got, exp, case):
    return (tuple(got) != tuple(exp) and tuple(got) == _es_le(*case.args)
            and not _patience_off_by_one(got, exp, case))


def _best_after_stop(got, exp, case):  # the best epoch taken over the whole list
    return (got[0] == int(np.argmin(case.args[0])) != exp[0]
            and not _patience_off_by_one(got, exp, case))


def _es_judge(got, exp, case):
    """A pair of whole numbers (ints), equal to the expected pair."""
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        return False, f"expected a pair (best_epoch, stop_epoch); got {got!r}"
    if not all(isinstance(g, (int, np.integer)) and not isinstance(g, (bool, np.bool_)) for g in got):
        kinds = ", ".join(type(g).__name__ for g in got)
        return False, f"epochs are whole numbers: return two ints; got ({kinds})"
    if tuple(int(g) for g in got) != tuple(exp):
        return False, f"expected {tuple(exp)}, got {tuple(int(g) for g in got)}"
    return True, ""


def _es_le(losses, patience):
    best, be, bad = math.inf, -1, 0
    for e, loss in enumerate(losses):
        if loss <= best:
            best, be, bad = loss, e, 0
        else:
            bad += 1
            if bad == patience:
                return be, e
    return be, len(losses) - 1


def _bn_unbiased(got, exp, case):
    x, g, b = case.args
    eps = case.kwargs.get("eps", 1e-5)
    return _close(got, g * (x - x.mean(0)) / np.sqrt(x.var(0, ddof=1) + eps) + b)


def _bn_axis1(got, exp, case):
    x, g, b = case.args
    eps = case.kwargs.get("eps", 1e-5)
    m, v = x.mean(1, keepdims=True), x.var(1, keepdims=True)
    return _close(got, g * (x - m) / np.sqrt(v + eps) + b)


def _ln_over_batch(got, exp, case):  # batch norm's axis 0 instead of each example's features
    x, g, b = case.args
    eps = case.kwargs.get("eps", 1e-5)
    return _close(got, g * (x - x.mean(0)) / np.sqrt(x.var(0) + eps) + b) and not _close(got, exp)


def _ln_unbiased(got, exp, case):
    x, g, b = case.args
    eps = case.kwargs.get("eps", 1e-5)
    m, v = x.mean(1, keepdims=True), x.var(1, ddof=1, keepdims=True)
    return _close(got, g * (x - m) / np.sqrt(v + eps) + b)


EXERCISES = [
    Exercise(
        id="09.dropout_forward", title="Inverted dropout: the forward pass", name="dropout_forward",
        points=2, cases=_dropout_cases, reference=dropout_forward,
        hints=[
            Hint(_safe(_unscaled), "You zeroed the dropped units but forgot the scale: inverted dropout "
                 "divides the kept values by (1 - p) during training, so evaluation needs no change."),
            Hint(_safe(_times_keep), "Divide by the keep probability (1 - p); do not multiply by it."),
        ],
        hint="y = x * mask / (1 - p): dropped units (mask False) become 0, kept ones are scaled up.",
        heading='Inverted dropout, forward',
        statement=r"""
Given an input `x`, a boolean `mask` of the same shape (`True` = keep the unit) and the drop
probability `p`, write `dropout_forward(x, mask, p)` returning the **inverted dropout** output
$y = x \odot \text{mask} / (1 - p)$: dropped units become 0 and kept ones are scaled up so the
expected value of each unit is unchanged.

Example: `dropout_forward(np.array([1., 2., 3., 4.]), np.array([True, False, True, False]), 0.5)`
is `array([2., 0., 6., 0.])`.
""",
        stub='''
def dropout_forward(x, mask, p):
    """Inverted dropout with a given keep-mask. Same shape as x."""
    # YOUR CODE HERE
    raise NotImplementedError("write dropout_forward")
''',
    ),
    Exercise(
        id="09.dropout_backward", title="Inverted dropout: the backward pass", name="dropout_backward",
        points=2, cases=_dropout_cases, reference=dropout_backward,
        hints=[
            Hint(_safe(_unscaled), "The forward pass multiplied by mask / (1 - p), so the gradient is "
                 "multiplied by the same mask / (1 - p)."),
            Hint(_safe(_times_keep), "Divide by the keep probability (1 - p); do not multiply by it."),
        ],
        hint="dx = dout * mask / (1 - p): no gradient reaches a dropped unit.",
        heading='Inverted dropout, backward',
        statement="""
Write `dropout_backward(dout, mask, p)`: given the gradient `dout` of the loss with respect to
the dropout output $y$, return the gradient with respect to its input $x$ (same shape).

Example: with the mask and `p` above, `dropout_backward(np.ones(4), mask, 0.5)` is
`array([2., 0., 2., 0.])`.
""",
        stub='''
def dropout_backward(dout, mask, p):
    """Gradient of the loss with respect to the dropout input."""
    # YOUR CODE HERE
    raise NotImplementedError("write dropout_backward")
''',
    ),
    Exercise(
        id="09.l2_penalty", title="The L2 penalty and its gradient", name="l2_penalty", points=2,
        cases=_l2_cases, reference=l2_penalty,
        hints=[
            Hint(_safe(_l1), "lam * sign(W) is the gradient of the L1 penalty; the L2 penalty "
                 "(lam / 2) * W**2 has gradient lam * W."),
            Hint(_safe(_no_half), "Your value is twice the expected one: the penalty is (lam / 2) times "
                 "the sum of squares, so that its gradient is exactly lam * W."),
            Hint(_safe(lambda got, exp, case: not isinstance(got, (tuple, list)) or len(got) != 2),
                 "Return a pair: (penalty value as a float, list of gradient arrays)."),
        ],
        hint="value = lam / 2 * (sum of w**2 over every array); grads = [lam * w for w in weights].",
        statement=r"""
Write `l2_penalty(weights, lam)` for a list of weight arrays: return a pair
`(value, grads)` where $\text{value} = \frac{\lambda}{2} \sum_{W} \sum_{ij} W_{ij}^2$ (a float,
summed over every array) and `grads` is the list of its gradients $\lambda W$, one per array.

Example: `l2_penalty([np.array([3.0, 4.0])], 0.1)` is `(1.25, [array([0.3, 0.4])])`.
""",
        stub='''
def l2_penalty(weights, lam):
    """Return (value, [gradient for each weight array])."""
    # YOUR CODE HERE
    raise NotImplementedError("write l2_penalty")
''',
    ),
    Exercise(
        id="09.early_stopping_epoch", title="Early stopping with patience", name="early_stopping_epoch",
        points=2, cases=_es_cases, reference=early_stopping_epoch,
        hints=[
            Hint(_safe(_ties), "A loss EQUAL to the best so far is not an improvement: use a strict <."),
            Hint(_safe(_best_after_stop),
                 "The best epoch is the best one seen BEFORE stopping; later epochs are never trained."),
            Hint(_safe(_patience_off_by_one),
                 "Your count of bad epochs is off by one: stop at the epoch that makes exactly "
                 "`patience` epochs in a row without improvement (count that epoch too)."),
        ],
        judge=_es_judge,
        hint="Walk through the losses (epoch 0 first) keeping the best loss, its epoch and a count of "
             "epochs without a strictly lower loss; stop when the count reaches patience. Return "
             "(best_epoch, stop_epoch); if it never stops, stop_epoch is the last epoch.",
        statement="""
`val_losses[e]` is the validation loss after epoch `e` (epochs count from 0). Training keeps the
**best loss so far**; an epoch *improves* only if its loss is **strictly lower** than that best.
Count the epochs in a row without improvement; training stops at the first epoch where this
count reaches `patience`. Write `early_stopping_epoch(val_losses, patience)` returning the pair
`(best_epoch, stop_epoch)` of ints: the epoch with the best loss seen up to the stop, and the
epoch at which training stops (the last epoch if it never stops early).

Example: `early_stopping_epoch([1.0, 0.8, 0.9, 0.85, 0.7, 0.75, 0.8, 0.9, 0.6], 3)` is `(4, 7)`:
epochs 5, 6 and 7 fail to beat 0.7, so epoch 8 never runs.
""",
        stub='''
def early_stopping_epoch(val_losses, patience):
    """Return (best_epoch, stop_epoch)."""
    # YOUR CODE HERE
    raise NotImplementedError("write early_stopping_epoch")
''',
    ),
    Exercise(
        id="09.batchnorm_forward", title="Batch normalisation in training mode", name="batchnorm_forward",
        points=3, cases=_bn_cases, reference=batchnorm_forward,
        hints=[
            Hint(_safe(_bn_unbiased), "Normalise with the biased variance (divide by N, np.var's default), "
                 "as torch does in training mode."),
            Hint(_safe(_bn_axis1), "Take the statistics over the batch (axis 0), one mean and variance "
                 "per feature, not per sample."),
        ],
        hint="mean and var over axis 0; x_hat = (x - mean) / sqrt(var + eps); y = gamma * x_hat + beta.",
        heading='Batch normalisation, training mode',
        statement=r"""
For a batch `x` of shape (N, D), write `batchnorm_forward(x, gamma, beta, eps=1e-5)`: normalise
each **feature** (column) with the batch mean $\mu$ and the **biased** variance $\sigma^2$
(divide by N), then scale and shift:
$y = \gamma \, \frac{x - \mu}{\sqrt{\sigma^2 + \epsilon}} + \beta$. `gamma` and `beta` have shape (D,).

Example: `batchnorm_forward(np.array([[1., 2.], [3., 6.]]), np.ones(2), np.zeros(2))` is about
`[[-1, -1], [1, 1]]`.
""",
        stub='''
def batchnorm_forward(x, gamma, beta, eps=1e-5):
    """Training-mode batch norm of an (N, D) batch. Returns (N, D)."""
    # YOUR CODE HERE
    raise NotImplementedError("write batchnorm_forward")
''',
    ),
    Exercise(
        id="09.layernorm_forward", title="Layer normalisation", name="layernorm_forward",
        points=2, cases=_ln_cases, reference=layernorm_forward,
        hints=[
            Hint(_safe(_ln_over_batch), "That is batch norm: layer norm takes the mean and variance "
                 "of each example over its own features (axis=-1, keepdims=True), not over the batch."),
            Hint(_safe(_ln_unbiased), "Normalise with the biased variance (divide by D, np.var's "
                 "default), as torch.nn.LayerNorm does."),
        ],
        hint="mean and var over the last axis with keepdims=True; "
             "y = gamma * (x - mean) / sqrt(var + eps) + beta.",
        statement=r"""
For a batch `x` of shape (N, D), write `layernorm_forward(x, gamma, beta, eps=1e-5)`:
normalise each **example** (row) over its D features with its own mean $\mu$ and **biased**
variance $\sigma^2$ (divide by D), then scale and shift:
$y = \gamma \, \frac{x - \mu}{\sqrt{\sigma^2 + \epsilon}} + \beta$. `gamma` and `beta` have
shape (D,). This is `torch.nn.LayerNorm(D)` in float64; compare it with batch norm above, which
normalises each column.

Example: `layernorm_forward(np.array([[1., 2., 3.]]), np.ones(3), np.zeros(3))` is about
`[[-1.2247, 0, 1.2247]]`.
""",
        stub='''
def layernorm_forward(x, gamma, beta, eps=1e-5):
    """Layer norm of an (N, D) batch, each row on its own. Returns (N, D)."""
    # YOUR CODE HERE
    raise NotImplementedError("write layernorm_forward")
''',
    ),
]


# ------------------------------------------------------------ the proof
# The reference solution of each exercise and its typical wrong answers, as the source a
# learner would paste into the answer cell (see CONTRIBUTING.md, tools/exercise.py prove).
SOLUTIONS = {
    "09.dropout_forward": '''
def dropout_forward(x, mask, p):
    return x * mask / (1 - p)
''',
    "09.dropout_backward": '''
def dropout_backward(dout, mask, p):
    return dout * mask / (1 - p)
''',
    "09.l2_penalty": '''
def l2_penalty(weights, lam):
    value = lam / 2 * sum(np.sum(w ** 2) for w in weights)
    grads = [lam * w for w in weights]
    return float(value), grads
''',
    "09.early_stopping_epoch": '''
def early_stopping_epoch(val_losses, patience):
    best, best_epoch, bad = float("inf"), -1, 0
    for epoch, loss in enumerate(val_losses):
        if loss < best:
            best, best_epoch, bad = loss, epoch, 0
        else:
            bad += 1
            if bad == patience:
                return best_epoch, epoch
    return best_epoch, len(val_losses) - 1
''',
    "09.batchnorm_forward": '''
def batchnorm_forward(x, gamma, beta, eps=1e-5):
    mean = x.mean(axis=0)
    var = x.var(axis=0)
    x_hat = (x - mean) / np.sqrt(var + eps)
    return gamma * x_hat + beta
''',
    "09.layernorm_forward": '''
def layernorm_forward(x, gamma, beta, eps=1e-5):
    mean = x.mean(axis=-1, keepdims=True)
    var = x.var(axis=-1, keepdims=True)
    return gamma * (x - mean) / np.sqrt(var + eps) + beta
''',
}

_ES = """
def early_stopping_epoch(val_losses, patience):
    best, best_epoch, bad = float("inf"), -1, 0
    for epoch, loss in enumerate(val_losses):
        if loss {less} best:
            best, best_epoch, bad = loss, epoch, 0
        else:
            bad += 1
            if {stop}:
                return {ret}
    return {last}
"""
_OK = dict(less="<", stop="bad == patience", ret="best_epoch, epoch", last="best_epoch, len(val_losses) - 1")
ES_LE = _ES.format(**{**_OK, "less": "<="})
ES_ARGMIN = _ES.format(**{**_OK, "ret": "int(np.argmin(val_losses)), epoch"})
ES_LATE = _ES.format(**{**_OK, "stop": "bad > patience"})
ES_EARLY = _ES.format(**{**_OK, "stop": "bad + 1 == patience"})
ES_FLOATS = _ES.format(**{**_OK, "ret": "float(best_epoch), float(epoch)",
                          "last": "float(best_epoch), float(len(val_losses) - 1)"})


# Each WRONG entry is a learner's answer; a tuple (answer, "substring") also names the hint that
# answer must get (tests/test_exercises.py checks that it shows, and that no other answer shows
# a hint it does not name).
WRONG = {
    "09.dropout_forward": [
        ("def dropout_forward(x, mask, p):\n    return x * mask\n",  # no inverted scaling
         "forgot the scale"),
        ("def dropout_forward(x, mask, p):\n    return x * mask * (1 - p)\n",  # times keep prob
         "do not multiply by it"),
        "def dropout_forward(x, mask, p):\n    return x * mask / p\n",  # divides by the drop prob
    ],
    "09.dropout_backward": [
        ("def dropout_backward(dout, mask, p):\n    return dout * mask\n",
         "multiplied by the same mask"),
        "def dropout_backward(dout, mask, p):\n    return dout / (1 - p)\n",  # ignores the mask
        ("def dropout_backward(dout, mask, p):\n    return dout * mask * (1 - p)\n",
         "do not multiply by it"),
    ],
    "09.l2_penalty": [
        # no 1/2: value twice too large
        ("def l2_penalty(weights, lam):\n"
         "    value = lam * sum(np.sum(w ** 2) for w in weights)\n"
         "    return float(value), [lam * w for w in weights]\n", "twice the expected"),
        # the L1 gradient
        ("def l2_penalty(weights, lam):\n"
         "    value = lam / 2 * sum(np.sum(w ** 2) for w in weights)\n"
         "    return float(value), [lam * np.sign(w) for w in weights]\n", "gradient of the L1"),
        # norm instead of squared norm
        "def l2_penalty(weights, lam):\n"
        "    value = lam / 2 * sum(np.linalg.norm(w) for w in weights)\n"
        "    return float(value), [lam * w for w in weights]\n",
        # only the value
        ("def l2_penalty(weights, lam):\n"
         "    return float(lam / 2 * sum(np.sum(w ** 2) for w in weights))\n", "Return a pair"),
    ],
    "09.early_stopping_epoch": [
        # ties count as improvements
        (ES_LE, "strict <"),
        # best epoch taken over the whole list, including epochs after the stop
        (ES_ARGMIN, "BEFORE stopping"),
        # stops one epoch late (bad > patience)
        (ES_LATE, "off by one"),
        # stops one epoch early (the bad epoch counted before it is added)
        (ES_EARLY, "off by one"),
        # breaks the rule "a pair of ints": the epochs as floats
        ES_FLOATS,
    ],
    "09.batchnorm_forward": [
        # unbiased variance
        ("def batchnorm_forward(x, gamma, beta, eps=1e-5):\n"
         "    return gamma * (x - x.mean(0)) / np.sqrt(x.var(0, ddof=1) + eps) + beta\n",
         "biased variance"),
        # statistics per sample (layer norm), not per feature
        ("def batchnorm_forward(x, gamma, beta, eps=1e-5):\n    m = x.mean(1, keepdims=True)\n"
         "    v = x.var(1, keepdims=True)\n    return gamma * (x - m) / np.sqrt(v + eps) + beta\n",
         "over the batch (axis 0)"),
        # eps outside the square root
        "def batchnorm_forward(x, gamma, beta, eps=1e-5):\n"
        "    return gamma * (x - x.mean(0)) / (np.sqrt(x.var(0)) + eps) + beta\n",
    ],
    "09.layernorm_forward": [
        # batch norm's statistics (over the batch, axis 0)
        ("def layernorm_forward(x, gamma, beta, eps=1e-5):\n"
         "    return gamma * (x - x.mean(0)) / np.sqrt(x.var(0) + eps) + beta\n",
         "That is batch norm"),
        # the unbiased variance
        ("def layernorm_forward(x, gamma, beta, eps=1e-5):\n"
         "    m, v = x.mean(1, keepdims=True), x.var(1, ddof=1, keepdims=True)\n"
         "    return gamma * (x - m) / np.sqrt(v + eps) + beta\n",
         "biased variance"),
        # forgets keepdims: (N,) statistics broadcast along the wrong axis
        "def layernorm_forward(x, gamma, beta, eps=1e-5):\n"
        "    return gamma * (x - x.mean(1)) / np.sqrt(x.var(1) + eps) + beta\n",
        # eps outside the square root
        "def layernorm_forward(x, gamma, beta, eps=1e-5):\n"
        "    m, v = x.mean(1, keepdims=True), x.var(1, keepdims=True)\n"
        "    return gamma * (x - m) / (np.sqrt(v) + eps) + beta\n",
    ],
}
