"""Exercises of chapter 3, Activation functions: a stable sigmoid, ReLU, Leaky ReLU, a batched
stable softmax, the sigmoid's derivative, and the multilayer perceptron (its parameter count
and its batch forward pass). Inputs and answers are plain float64 arrays (and ints)."""
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
        statement=r"""
Write `sigmoid(x)` that returns $\sigma(x) = \dfrac{1}{1 + e^{-x}}$ for every element of the array `x`
(any shape; return an array of the same shape).

The catch: it must not raise **any** warning, even for $x = -1000$. The textbook formula computes
`np.exp(1000)`, which overflows to `inf` with a `RuntimeWarning`; this exercise counts that warning as a
failure. For negative $x$ use the equal form $\sigma(x) = \dfrac{e^{x}}{1 + e^{x}}$, in which `exp`
only ever sees numbers $\le 0$.

Example: `sigmoid(np.array([-1000.0, 0.0, 2.0]))` gives `array([0., 0.5, 0.88079708])`, silently.

*Hint:* `e = np.exp(-np.abs(x))` is always between 0 and 1, and both forms can be written
with it. `np.where(condition, a, b)` picks element by element, but it computes all of `a` and
all of `b` first: a `np.exp(-x)` inside it still overflows (and warns) where it is not picked.
""",
        stub='''
def sigmoid(x):
    """Logistic sigmoid of each element of x; no overflow for any finite x."""
    # YOUR CODE HERE
    raise NotImplementedError
''',
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
        statement=r"""
Write `relu(x)` that returns $\max(0, x)$ for every element of `x`, same shape as `x`.

Example: `relu(np.array([-2.0, 0.0, 3.0]))` gives `array([0., 0., 3.])`.

*Hint:* `np.maximum` compares element by element; `np.max` is something else (it reduces the array to
its largest value).
""",
        stub='''
def relu(x):
    """max(0, x) for each element of x."""
    # YOUR CODE HERE
    raise NotImplementedError
''',
    ),
    Exercise(
        id="03.leaky_relu", title="Leaky ReLU with a slope argument", name="leaky_relu", points=1,
        cases=_leaky_cases, reference=F.leaky_relu,
        hints=[Hint(_safe(_leaky_fixed_slope),
                    "Your answer ignores negative_slope: use the argument, not the number 0.01.")],
        hint="leaky_relu(x, negative_slope=0.01) is x where x > 0 and negative_slope * x elsewhere "
             "(np.where(x > 0, x, negative_slope * x)).",
        forbidden=("dlcourse.functional.leaky_relu", "torch.nn.functional.leaky_relu"),
        heading='Leaky ReLU',
        statement=r"""
Write `leaky_relu(x, negative_slope=0.01)`: $x$ where $x > 0$, and `negative_slope` $\cdot\, x$
elsewhere. The check also calls it with other slopes, such as `negative_slope=0.2`.

Example: `leaky_relu(np.array([-2.0, 3.0]), negative_slope=0.1)` gives `array([-0.2, 3.])`.
""",
        stub='''
def leaky_relu(x, negative_slope=0.01):
    """x where x > 0, negative_slope * x elsewhere."""
    # YOUR CODE HERE
    raise NotImplementedError
''',
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
        statement=r"""
Write `softmax(x)` for a batch `x` of shape `(N, C)`: one row per sample, one column per class.
Each row of the result is the softmax of that row,
$\mathrm{softmax}(x)_{i} = e^{x_{i} - m} / \sum_j e^{x_{j} - m}$ with $m$ the row's own maximum,
so **every row sums to 1**. Return shape `(N, C)`.

The checks include a row of values near 1000 (where `np.exp` overflows if you do not subtract the max)
and a batch whose rows are far apart (a row near $-1000$ next to a row near $+1000$), where subtracting
a single global max is not enough. No warnings allowed.

Example: `softmax(np.array([[1.0, 2.0, 3.0]]))` gives `array([[0.09003057, 0.24472847, 0.66524096]])`.

*Hint:* `x.max(axis=1, keepdims=True)` has shape `(N, 1)`, which broadcasts against `(N, C)`.
""",
        stub='''
def softmax(x):
    """Row-wise softmax of x, shape (N, C) -> (N, C); each row sums to 1."""
    # YOUR CODE HERE
    raise NotImplementedError
''',
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
        statement=r"""
Write `sigmoid_grad(x)` that returns $\sigma'(x) = \sigma(x)\,\bigl(1 - \sigma(x)\bigr)$ for every
element of `x`. You may paste your stable sigmoid into this cell and call it.

Example: `sigmoid_grad(np.array([0.0, 2.0]))` gives `array([0.25, 0.10499359])`. Note the largest
possible value, 0.25 at $x = 0$: this is why deep stacks of sigmoids learn slowly.
""",
        stub='''
def sigmoid_grad(x):
    """Derivative of the sigmoid at each element of x.

    s * (1 - s) with s = sigmoid(x).
    """
    # YOUR CODE HERE
    raise NotImplementedError
''',
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
        statement=r"""
A multilayer perceptron is described by its layer sizes, from the input to the output: `[3, 4, 2]`
means 3 inputs, one hidden layer of 4 units and 2 outputs. A layer from $n_{\text{in}}$ to
$n_{\text{out}}$ units has $n_{\text{out}} \cdot n_{\text{in}}$ weights and $n_{\text{out}}$
biases; the input layer has none.

Write `count_parameters(sizes)` that returns the total number of weights and biases as an `int`
(not a float). `sizes` is a list of at least two positive integers.

Example: `count_parameters([3, 4, 2])` gives `26` ($4 \cdot 3 + 4$ in the hidden layer,
$2 \cdot 4 + 2$ in the output layer).
""",
        stub='''
def count_parameters(sizes):
    """Number of weights and biases of an MLP with these layer sizes.

    sizes: list of ints, input first, output last. Returns an int.
    """
    # YOUR CODE HERE
    raise NotImplementedError
''',
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
        statement=r"""
Write `mlp_forward(X, W1, b1, W2, b2)` for a network with one hidden ReLU layer and an identity
output, on a batch with one example per row, the weights stored as (out, in) like torch's:

$$
\begin{aligned}
Z^{(1)} &= X W^{(1)\top} + b^{(1)}, \\
H^{(1)} &= \mathrm{ReLU}(Z^{(1)}), \\
\hat Y &= H^{(1)} W^{(2)\top} + b^{(2)}.
\end{aligned}
$$

Shapes: `X` is `(N, d)`, `W1` is `(h, d)`, `b1` is `(h,)`, `W2` is `(k, h)`, `b2` is `(k,)`;
return `Y_hat` of shape `(N, k)`. Use NumPy (`np.maximum` for the ReLU).

Example: with `X = np.array([[1.0, -1.0]])`, `W1 = np.array([[1.0, 0.0], [0.0, 1.0]])`,
`b1 = np.zeros(2)`, `W2 = np.array([[1.0, 1.0]])` and `b2 = np.array([0.5])`, the hidden layer
is `[[1.0, 0.0]]` after the ReLU and `mlp_forward` gives `array([[1.5]])`.
""",
        stub='''
def mlp_forward(X, W1, b1, W2, b2):
    """Forward pass of a one-hidden-layer ReLU network on a batch X (N, d).

    Returns Y_hat of shape (N, k).
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
    "03.sigmoid": '''
def sigmoid(x):
    x = np.asarray(x, dtype=float)
    z = np.exp(-np.abs(x))          # between 0 and 1: never overflows
    return np.where(x >= 0, 1 / (1 + z), z / (1 + z))
''',
    "03.relu": '''
def relu(x):
    return np.maximum(x, 0.0)
''',
    "03.leaky_relu": '''
def leaky_relu(x, negative_slope=0.01):
    return np.where(x > 0, x, negative_slope * x)
''',
    "03.softmax": '''
def softmax(x):
    shifted = x - x.max(axis=1, keepdims=True)   # each row's largest value becomes 0
    e = np.exp(shifted)
    return e / e.sum(axis=1, keepdims=True)
''',
    "03.sigmoid_grad": '''
def sigmoid_grad(x):
    z = np.exp(-np.abs(x))
    s = np.where(x >= 0, 1 / (1 + z), z / (1 + z))
    return s * (1 - s)
''',
    "03.count_parameters": '''
def count_parameters(sizes):
    total = 0
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        total += n_out * n_in + n_out      # weights and biases of one layer
    return int(total)
''',
    "03.mlp_forward": '''
def mlp_forward(X, W1, b1, W2, b2):
    H1 = np.maximum(X @ W1.T + b1, 0.0)   # (N, h)
    return H1 @ W2.T + b2                 # (N, k)
''',
}

WRONG = {
    "03.sigmoid": [
        # the textbook formula: right values, but overflows (a warning) at x = -1000
        ("def sigmoid(x):\n    return 1 / (1 + np.exp(-x))\n", "Right values, but NumPy warned"),
        # the sign flipped: 1 - sigmoid(x) (and exp(-x) overflows at x = -1000: inf / inf)
        ("def sigmoid(x):\n    return np.exp(-x) / (1 + np.exp(-x))\n",
         ("Your values are 1 - sigmoid(x)", "NaN appeared")),
        # only the x < 0 form: overflows for large positive x (inf / inf = NaN)
        ("def sigmoid(x):\n    return np.exp(x) / (1 + np.exp(x))\n", "NaN appeared"),
        # np.where over both forms: right values, but both branches are computed, so exp warns
        ("def sigmoid(x):\n"
         "    return np.where(x >= 0, 1 / (1 + np.exp(-x)), np.exp(x) / (1 + np.exp(x)))\n",
         "Right values, but NumPy warned"),
        # 1 - sigmoid(x), computed stably (no NaN, no warning)
        ("def sigmoid(x):\n    return np.exp(-np.logaddexp(0.0, x))\n",
         "Your values are 1 - sigmoid(x)"),
    ],
    "03.relu": [
        ("def relu(x):\n    return np.abs(x)\n", "not their absolute value"),
        # np.max reduces the whole array to one number
        ("def relu(x):\n    return np.max(x, 0)\n", "np.max(x, 0) reduces"),
        "def relu(x):\n    return (x > 0).astype(float)\n",   # that is ReLU's derivative
    ],
    "03.leaky_relu": [
        # ignores the argument
        ("def leaky_relu(x, negative_slope=0.01):\n    return np.where(x > 0, x, 0.01 * x)\n",
         "ignores negative_slope"),
        # plain ReLU
        "def leaky_relu(x, negative_slope=0.01):\n    return np.maximum(x, 0)\n",
        # the slope applied on the wrong side
        "def leaky_relu(x, negative_slope=0.01):\n    return np.where(x > 0, negative_slope * x, x)\n",
    ],
    "03.softmax": [
        # no max shift: exp(1000) overflows, inf / inf = NaN
        ("def softmax(x):\n    e = np.exp(x)\n    return e / e.sum(axis=1, keepdims=True)\n",
         "NaN appeared"),
        # one global max: rows far below it underflow to 0 / 0
        ("def softmax(x):\n    e = np.exp(x - np.max(x))\n    return e / e.sum(axis=1, keepdims=True)\n",
         "NaN appeared"),
        # normalised over the whole batch instead of each row
        ("def softmax(x):\n    e = np.exp(x - x.max(axis=1, keepdims=True))\n    return e / e.sum()\n",
         "Your whole array sums to 1"),
        # softmax over the columns (axis 0) instead of the rows
        ("def softmax(x):\n    e = np.exp(x - x.max(axis=0, keepdims=True))\n"
         "    return e / e.sum(axis=0, keepdims=True)\n", "Your columns sum to 1"),
    ],
    "03.sigmoid_grad": [
        # the formula applied to x instead of sigmoid(x)
        ("def sigmoid_grad(x):\n    return x * (1 - x)\n", "Apply the formula to s = sigmoid(x)"),
        # sigmoid itself
        ("def sigmoid_grad(x):\n    return 1 / (1 + np.exp(-x))\n", "That is sigmoid(x) itself"),
        # the tanh derivative's shape by mistake
        "def sigmoid_grad(x):\n    s = 1 / (1 + np.exp(-x))\n    return 1 - s ** 2\n",
    ],
    "03.count_parameters": [
        # the biases forgotten
        ("def count_parameters(sizes):\n"
         "    return sum(a * b for a, b in zip(sizes[:-1], sizes[1:]))\n", "counted only the weights"),
        # a bias for every unit, the input layer's too
        ("def count_parameters(sizes):\n"
         "    return sum(a * b for a, b in zip(sizes[:-1], sizes[1:])) + sum(sizes)\n",
         "The input layer has no weights"),
        # the rule "return an int" broken: a float
        ("def count_parameters(sizes):\n"
         "    return float(sum(b * a + b for a, b in zip(sizes[:-1], sizes[1:])))\n"),
        # only the first layer counted
        "def count_parameters(sizes):\n    return int(sizes[1] * sizes[0] + sizes[1])\n",
    ],
    "03.mlp_forward": [
        # no activation: two linear layers
        ("def mlp_forward(X, W1, b1, W2, b2):\n    return (X @ W1.T + b1) @ W2.T + b2\n",
         "No activation between the layers"),
        # ReLU on the output as well
        ("def mlp_forward(X, W1, b1, W2, b2):\n"
         "    return np.maximum(np.maximum(X @ W1.T + b1, 0) @ W2.T + b2, 0)\n",
         "ReLU is applied to the output too"),
        # weights used as (in, out): works only when they are square
        ("def mlp_forward(X, W1, b1, W2, b2):\n"
         "    return np.maximum(X @ W1 + b1, 0) @ W2 + b2\n", "needs the transpose"),
        # the bias added before the weights
        "def mlp_forward(X, W1, b1, W2, b2):\n"
        "    H = np.maximum(X @ W1.T + b1, 0)\n    return (H + b2[0]) @ W2.T\n",
    ],
}
