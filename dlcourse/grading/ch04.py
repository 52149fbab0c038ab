"""Exercises of chapter 4, Loss functions: mean squared error, cross-entropy from logits with
integer labels and with one-hot targets, and binary cross-entropy with log(0) guarded.
Inputs are plain float64 arrays (labels int64); every answer is one number."""
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
    ),
]
