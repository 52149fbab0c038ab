"""Exercises of chapter 3, Activation functions: a stable sigmoid, ReLU, Leaky ReLU, a batched
stable softmax, the sigmoid's derivative, and the multilayer perceptron (its parameter count
and its batch forward pass). Inputs and answers are plain float64 arrays (and ints)."""
from __future__ import annotations

import numpy as np

from dlcourse import functional as F
from dlcourse.grading.spec import Case, Exercise, Hint

__all__ = ["EXERCISES"]


# --- cases (seeded, small) ----------------------------------------------------------------------
def _sigmoid_cases():
    rng = np.random.default_rng(3)
    return [
        Case((np.array([-1.0, 0.0, 2.0]),), label="small values"),
        Case((rng.normal(size=(4, 5)),), label="a (4, 5) batch"),
        Case((np.array([-1000.0, -50.0, 50.0, 1000.0]),), label="|x| up to 1000 (overflow?)"),
        Case((np.array([[-800.0, 0.5], [3.0, -710.0]]),), label="a (2, 2) batch with -800 and -710"),
    ]


def _relu_cases():
    rng = np.random.default_rng(4)
    return [
        Case((np.array([-2.0, -0.5, 0.0, 0.5, 2.0]),), label="values around 0"),
        Case((rng.normal(size=(3, 4)),), label="a (3, 4) batch"),
        Case((np.array([-1000.0, 1000.0]),), label="|x| = 1000"),
    ]


def _leaky_cases():
    rng = np.random.default_rng(5)
    return [
        Case((np.array([-2.0, 0.0, 3.0]),), label="default slope 0.01"),
        Case((rng.normal(size=(3, 4)),), {"negative_slope": 0.2}, label="negative_slope=0.2, (3, 4) batch"),
        Case((np.array([-10.0, -1.0, 1.0, 10.0]),), {"negative_slope": 0.1}, label="negative_slope=0.1"),
        Case((rng.normal(size=(2, 3)) * 5,), label="a (2, 3) batch, default slope"),
    ]


def _softmax_cases():
    rng = np.random.default_rng(6)
    return [
        Case((np.array([[1.0, 2.0, 3.0]]),), label="one row [1, 2, 3]"),
        Case((rng.normal(size=(4, 5)),), label="a (4, 5) batch: each row sums to 1"),
        Case((np.array([[1000.0, 1000.0, 999.0], [0.0, 0.0, 0.0]]),), label="a row of 1000s (overflow?)"),
        Case((np.array([[-1000.0, -999.0, -1000.0], [1000.0, 999.0, 998.0]]),),
             label="rows far apart: -1000s and 1000s"),
    ]


def _sigmoid_grad_cases():
    rng = np.random.default_rng(7)
    return [
        Case((np.array([0.0]),), label="x = 0 (the largest value, 0.25)"),
        Case((np.array([-3.0, -1.0, 1.0, 3.0]),), label="a few values"),
        Case((rng.normal(size=(3, 4)) * 2,), label="a (3, 4) batch"),
        Case((np.array([-30.0, 30.0]),), label="saturated: |x| = 30"),
    ]


def _count_cases():
    return [
        Case(([3, 4, 2],), label="sizes [3, 4, 2]"),
        Case(([784, 128, 64, 10],), label="sizes [784, 128, 64, 10]"),
        Case(([2, 1],), label="sizes [2, 1]: one perceptron"),
        Case(([10, 32, 32, 32, 1],), label="sizes [10, 32, 32, 32, 1]"),
    ]


def _mlp_cases():
    rng = np.random.default_rng(8)

    def net(n, d, h, k):
        return (rng.normal(size=(n, d)), rng.normal(size=(h, d)), rng.normal(size=h),
                rng.normal(size=(k, h)), rng.normal(size=k))
    return [
        Case(net(5, 3, 4, 2), label="N=5, d=3, h=4, k=2"),
        Case(net(1, 2, 6, 1), label="one example: N=1, d=2, h=6, k=1"),
        Case(net(4, 3, 3, 3), label="square weights: N=4, d=h=k=3"),
        Case(net(8, 5, 16, 3), label="N=8, d=5, h=16, k=3"),
    ]


# --- references of the multilayer-perceptron exercises -----------------------------------------
def _count_parameters(sizes):
    return int(sum(n_out * n_in + n_out for n_in, n_out in zip(sizes[:-1], sizes[1:])))


def _mlp_forward(X, W1, b1, W2, b2):
    return F.relu(X @ W1.T + b1) @ W2.T + b2


def _judge_count(got, exp, case):
    if isinstance(got, bool) or not isinstance(got, int):
        return False, (f"expected an int (a count of parameters); got {type(got).__name__} "
                       f"{got!r}")
    if got != exp:
        return False, f"expected {exp}, got {got}"
    return True, ""


# --- hints (each guarded: a hint must never raise) ----------------------------------------------
def _safe(pred):
    def when(got, exp, case):
        try:
            return bool(pred(got, exp, case))
        except Exception:
            return False
    return when


def _has_nan(got, exp, case):
    return isinstance(got, np.ndarray) and np.isnan(got).any()


def _is_one_minus(got, exp, case):
    return np.shape(got) == np.shape(exp) and np.allclose(got, 1.0 - np.asarray(exp))


def _right_values(got, exp, case):
    """The values are right, so the case failed on a warning (warnings_fail)."""
    return (isinstance(got, np.ndarray) and got.shape == np.shape(exp)
            and np.allclose(got, exp, rtol=1e-6, atol=1e-9))


def _relu_is_abs(got, exp, case):
    return np.shape(got) == np.shape(exp) and np.allclose(got, np.abs(case.args[0]))


def _relu_reduced(got, exp, case):
    """np.max(x, 0): the largest element along axis 0, not the element-wise maximum."""
    x = case.args[0]
    return np.shape(got) != np.shape(exp) and np.allclose(got, np.max(x, axis=0))


def _leaky_fixed_slope(got, exp, case):
    return "negative_slope" in case.kwargs and np.allclose(got, F.leaky_relu(case.args[0]))


def _rows_do_not_sum_to_1(got, exp):
    return (isinstance(got, np.ndarray) and got.shape == np.shape(exp) and got.ndim == 2
            and np.isfinite(got).all() and not np.allclose(got.sum(axis=1), 1.0))


def _softmax_whole_array(got, exp, case):
    """The whole array sums to 1 (one normalisation for the batch), its rows do not."""
    return _rows_do_not_sum_to_1(got, exp) and np.isclose(got.sum(), 1.0)


def _softmax_columns(got, exp, case):
    """Each column sums to 1 (softmax over axis 0), the rows do not."""
    return _rows_do_not_sum_to_1(got, exp) and np.allclose(got.sum(axis=0), 1.0)


def _grad_without_sigmoid(got, exp, case):
    x = case.args[0]
    if np.allclose(got, F.sigmoid(x)):
        return False  # that is sigmoid itself, its own hint
    return np.allclose(got, x * (1 - x)) or np.allclose(got, F.sigmoid(x) * (1 - x))


def _grad_is_sigmoid(got, exp, case):
    return np.allclose(got, F.sigmoid(case.args[0]))


def _weights_only(got, exp, case):
    sizes = case.args[0]
    return got == sum(a * b for a, b in zip(sizes[:-1], sizes[1:]))


def _input_biases(got, exp, case):
    return got == exp + case.args[0][0]


def _no_relu(got, exp, case):
    X, W1, b1, W2, b2 = case.args
    return np.shape(got) == np.shape(exp) and np.allclose(got, (X @ W1.T + b1) @ W2.T + b2)


def _relu_on_output(got, exp, case):
    return (np.shape(got) == np.shape(exp) and not np.allclose(exp, F.relu(exp))
            and np.allclose(got, F.relu(exp)))


def _no_transpose(got, exp, case):
    X, W1, b1, W2, b2 = case.args
    return np.shape(got) == np.shape(exp) and np.allclose(got, F.relu(X @ W1 + b1) @ W2 + b2)


# --- the exercises ------------------------------------------------------------------------------
EXERCISES = [
    Exercise(
        id="03.sigmoid", title="A numerically stable sigmoid", name="sigmoid", points=2,
        cases=_sigmoid_cases, reference=F.sigmoid,
        hints=[
            Hint(_safe(_has_nan), "NaN appeared: exp overflowed to inf, and inf / inf is NaN "
                                  "(exp(x) / (1 + exp(x)) at large positive x, or exp(-x) / "
                                  "(1 + exp(-x)) at large negative x). Use exp(x) / (1 + exp(x)) "
                                  "only where x < 0, and 1 / (1 + exp(-x)) where x >= 0."),
            Hint(_safe(_is_one_minus), "Your values are 1 - sigmoid(x): check the sign inside exp."),
            Hint(_safe(_right_values),
                 "Right values, but NumPy warned (overflow in exp): exp was handed a large positive "
                 "number somewhere, even if that result was thrown away afterwards. np.where "
                 "computes both of its branches on every element, so it does not prevent this. "
                 "Give exp only numbers <= 0: with e = np.exp(-np.abs(x)) (never above 1), "
                 "sigmoid is 1 / (1 + e) where x >= 0 and e / (1 + e) where x < 0; or compute "
                 "each form only on its own elements with a boolean mask."),
        ],
        hint=("sigmoid(x) = 1 / (1 + exp(-x)), element by element, same shape as x, with no overflow "
              "warning: exp must never see a large positive number, not even in a branch that is "
              "thrown away (np.exp(-np.abs(x)), or a boolean mask)."),
        forbidden=("dlcourse.functional.sigmoid", "torch.sigmoid", "scipy.special.expit"),
        warnings_fail=True,
    ),
    Exercise(
        id="03.relu", title="ReLU", name="relu", points=1,
        cases=_relu_cases, reference=F.relu,
        hints=[Hint(_safe(_relu_is_abs), "Negative inputs must become 0, not their absolute value."),
               Hint(_safe(_relu_reduced),
                    "np.max(x, 0) reduces: it returns the largest element along axis 0 (the 0 "
                    "is the axis), not max(0, x) for each element. Use np.maximum(x, 0).")],
        hint="relu(x) = max(0, x) element by element: np.maximum(x, 0) (not np.max, which reduces).",
        forbidden=("dlcourse.functional.relu", "torch.relu"),
    ),
    Exercise(
        id="03.leaky_relu", title="Leaky ReLU with a slope argument", name="leaky_relu", points=1,
        cases=_leaky_cases, reference=F.leaky_relu,
        hints=[Hint(_safe(_leaky_fixed_slope),
                    "Your answer ignores negative_slope: use the argument, not the number 0.01.")],
        hint="leaky_relu(x, negative_slope=0.01) is x where x > 0 and negative_slope * x elsewhere "
             "(np.where(x > 0, x, negative_slope * x)).",
        forbidden=("dlcourse.functional.leaky_relu", "torch.nn.functional.leaky_relu"),
    ),
    Exercise(
        id="03.softmax", title="A batched, stable softmax", name="softmax", points=2,
        cases=_softmax_cases, reference=F.softmax,
        hints=[
            Hint(_safe(_has_nan), "NaN appeared: exp overflowed to inf (inf / inf is NaN), or "
                                  "every term of a row underflowed to 0 (0 / 0). Subtract each "
                                  "row's own max first (x.max(axis=1, keepdims=True))."),
            Hint(_safe(_softmax_whole_array), "Your whole array sums to 1, but each row should: "
                                              "use axis=1 (or -1) with keepdims=True."),
            Hint(_safe(_softmax_columns), "Your columns sum to 1: the classes run along axis 1, "
                                          "one row per sample."),
        ],
        hint=("For x of shape (N, C): subtract each row's own max (x.max(axis=1, keepdims=True)), "
              "exponentiate, divide by each row's sum (keepdims=True). One global max is not "
              "enough when rows are far apart."),
        forbidden=("dlcourse.functional.softmax", "torch.softmax", "scipy.special.softmax"),
        warnings_fail=True,
    ),
    Exercise(
        id="03.sigmoid_grad", title="The sigmoid's derivative", name="sigmoid_grad", points=1,
        cases=_sigmoid_grad_cases, reference=F.sigmoid_grad,
        hints=[
            Hint(_safe(_grad_without_sigmoid), "Apply the formula to s = sigmoid(x), not to x: "
                                               "s * (1 - s)."),
            Hint(_safe(_grad_is_sigmoid), "That is sigmoid(x) itself; its derivative is "
                                          "sigmoid(x) * (1 - sigmoid(x))."),
        ],
        hint="sigmoid'(x) = s * (1 - s) with s = sigmoid(x); the largest value is 0.25 at x = 0.",
        forbidden=("dlcourse.functional.sigmoid_grad",),
    ),
    Exercise(
        id="03.count_parameters", title="Counting a multilayer perceptron's parameters",
        name="count_parameters", points=1, cases=_count_cases, reference=_count_parameters,
        judge=_judge_count,
        hints=[
            Hint(_safe(_weights_only), "You counted only the weights: every unit after the input "
                                       "layer also has one bias, n_out per layer."),
            Hint(_safe(_input_biases), "The input layer has no weights and no biases: count "
                                       "biases only for the layers after it."),
        ],
        hint="A layer from n_in to n_out units has n_out * n_in weights and n_out biases; add them "
             "up over consecutive pairs of sizes and return an int.",
    ),
    Exercise(
        id="03.mlp_forward", title="A multilayer perceptron's batch forward pass",
        name="mlp_forward", points=2, cases=_mlp_cases, reference=_mlp_forward,
        hints=[
            Hint(_safe(_no_relu), "No activation between the layers: apply ReLU to the hidden "
                                  "layer, H = np.maximum(Z1, 0)."),
            Hint(_safe(_relu_on_output), "ReLU is applied to the output too: here the output layer "
                                         "has no activation (the identity head)."),
            Hint(_safe(_no_transpose), "The weights are stored as (out, in), like torch's: a batch "
                                       "needs the transpose, X @ W1.T + b1."),
        ],
        hint="Z1 = X @ W1.T + b1, H1 = ReLU(Z1), Y_hat = H1 @ W2.T + b2; shapes (N, h), (N, h), "
             "(N, k).",
        forbidden=("torch.nn.functional.linear", "torch.relu"),
    ),
]
