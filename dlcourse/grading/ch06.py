"""Exercises of chapter 6, Backpropagation: node and layer backward passes and a gradient check.

Every answer is a NumPy array, a number, or a tuple of those. Layouts follow PyTorch: a Linear
layer's weight ``W`` is ``(out, in)``, so its forward is ``x @ W.T + b``.
"""
# Over the house style's ~300 lines on purpose: each exercise of the chapter is defined whole
# in this file (statement, stub, points, cases, judge, hints, reference solution and typical
# wrong answers), so a teacher changes an exercise in one place; tools/exercise.py writes the
# notebook's cells from it and proves it.
from __future__ import annotations

import numpy as np

from dlcourse.grading.spec import Case, Exercise, Hint

__all__ = ["EXERCISES", "mul_backward", "add_backward", "linear_backward", "sigmoid_backward",
           "softmax_cross_entropy_backward", "relative_error"]


# --- reference answers (plain NumPy) ------------------------------------------------------------
def mul_backward(x, y, dout):
    """Multiply node z = x * y: (dL/dx, dL/dy) = (dout * y, dout * x)."""
    return np.asarray(dout * y, dtype=float), np.asarray(dout * x, dtype=float)


def add_backward(x, y, dout):
    """Add node z = x + y: both inputs receive the upstream gradient unchanged."""
    dout = np.asarray(dout, dtype=float)
    return dout.copy(), dout.copy()


def linear_backward(x, W, b, dout):
    """y = x @ W.T + b with W (out, in): (dx, dW, db) = (dout @ W, dout.T @ x, dout.sum(0))."""
    return dout @ W, dout.T @ x, dout.sum(axis=0)


def sigmoid_backward(y, dout):
    """Sigmoid from its output y: dL/dx = dout * y * (1 - y)."""
    return dout * y * (1.0 - y)


def softmax_cross_entropy_backward(logits, labels):
    """Gradient of the mean softmax cross-entropy w.r.t. the logits: (softmax - one-hot) / N."""
    z = logits - logits.max(axis=1, keepdims=True)
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    p[np.arange(len(labels)), labels] -= 1.0
    return p / len(labels)


def relative_error(a, b):
    """||a - b|| / (||a|| + ||b||), and 0.0 when both are zero."""
    den = np.linalg.norm(a) + np.linalg.norm(b)
    return 0.0 if den == 0 else float(np.linalg.norm(a - b) / den)


# --- cases --------------------------------------------------------------------------------------
def _node_cases():
    rng = np.random.default_rng(60)
    return [
        Case((np.array(2.0), np.array(3.0), np.array(1.0)), label="x=2, y=3, dout=1"),
        Case((np.array(4.0), np.array(2.0), np.array(1.1)), label="the coffee node: 4 x 2, dout=1.1"),
        Case((rng.normal(size=(2, 3)), rng.normal(size=(2, 3)), rng.normal(size=(2, 3))),
             label="(2, 3) arrays, element by element"),
    ]


def _linear_cases():
    rng = np.random.default_rng(61)
    cases = []
    for (N, d_in, d_out), label in [((4, 3, 2), "N=4, in=3, out=2"), ((1, 5, 4), "a batch of one"),
                                    ((6, 3, 3), "in = out = 3 (a square W)"), ((8, 6, 5), "N=8, in=6, out=5")]:
        cases.append(Case((rng.normal(size=(N, d_in)), rng.normal(size=(d_out, d_in)),
                           rng.normal(size=d_out), rng.normal(size=(N, d_out))), label=label))
    return cases


def _sigmoid_cases():
    rng = np.random.default_rng(62)
    x = rng.normal(size=(3, 4))
    return [
        Case((np.array([0.5]), np.array([1.0])), label="y = 0.5 (x = 0), dout = 1"),
        Case((1 / (1 + np.exp(-x)), rng.normal(size=(3, 4))), label="a (3, 4) batch"),
        Case((np.array([0.01, 0.99, 0.2]), np.array([2.0, -1.0, 0.5])), label="outputs near 0 and 1"),
    ]


def _softmax_ce_cases():
    rng = np.random.default_rng(63)
    return [
        Case((np.array([[2.0, 1.0, 0.1]]), np.array([0])), label="one sample, 3 classes"),
        Case((rng.normal(size=(5, 4)), rng.integers(0, 4, size=5)), label="N=5, C=4"),
        Case((rng.normal(size=(8, 10)) * 3, rng.integers(0, 10, size=8)), label="N=8, C=10"),
        Case((np.array([[1000.0, 0.0], [0.0, -1000.0]]), np.array([1, 1])), label="logits of +-1000"),
    ]


def _relerr_cases():
    rng = np.random.default_rng(64)
    a = rng.normal(size=(3, 4))
    return [
        Case((np.array([1.0, 2.0]), np.array([1.0, 2.0])), label="equal arrays"),
        Case((np.array([3.0, 0.0]), np.array([0.0, 4.0])), label="[3, 0] vs [0, 4]"),
        Case((a, a + 1e-7 * rng.normal(size=(3, 4))), label="a tiny difference"),
        Case((1e-3 * a, 2e-3 * a), label="small gradients, one twice the other"),
        Case((np.zeros(3), np.zeros(3)), label="both zero"),
    ]


def _shape_is(n_items: int, item: int, shape_of):
    """Hint helper: item ``item`` of a tuple answer has the wrong shape (``shape_of(case)``)."""
    def when(got, exp, case):
        return (isinstance(got, (tuple, list)) and len(got) == n_items
                and np.shape(got[item]) != shape_of(case))
    return when


def _close(a, b):
    try:
        return np.shape(a) == np.shape(b) and np.allclose(a, b)
    except (TypeError, ValueError):
        return False


EXERCISES = [
    Exercise(
        id="06.mul_backward", title="Backward of a multiply node", name="mul_backward", points=1,
        cases=_node_cases, reference=mul_backward,
        hints=[Hint(lambda got, exp, case: isinstance(got, (tuple, list)) and len(got) == 2
                    and _close(got[0], exp[1]) and _close(got[1], exp[0]),
                    "dx and dy are swapped: z = x * y gives dz/dx = y, so x's gradient is dout * y.")],
        hint="z = x * y: return (dout * y, dout * x), a tuple of two arrays.",
        statement=r"""
A multiply node computes $z = x \cdot y$ (element by element). Write
`mul_backward(x, y, dout)` that returns the tuple `(dx, dy)` of gradients of the loss with respect to
`x` and `y`, given the upstream gradient `dout` $= \partial L/\partial z$. All three inputs have the same
shape (scalars or arrays); return two arrays of that shape.

Example: `mul_backward(np.array(2.0), np.array(3.0), np.array(1.0))` gives `(3.0, 2.0)`.

*Hint:* the local derivatives are $\partial z/\partial x = y$ and $\partial z/\partial y = x$. Multiply each by `dout`.
""",
        stub='''
def mul_backward(x, y, dout):
    """Gradients (dx, dy) of a multiply node z = x * y, given dout = dL/dz."""
    # YOUR CODE HERE
    raise NotImplementedError
''',
    ),
    Exercise(
        id="06.add_backward", title="Backward of an add node", name="add_backward", points=1,
        cases=_node_cases, reference=add_backward,
        hint="z = x + y: dz/dx = dz/dy = 1, so both inputs receive dout unchanged: return (dout, dout).",
        statement="""
An add node computes $z = x + y$. Write `add_backward(x, y, dout)` that returns `(dx, dy)`.

Example: `add_backward(np.array(2.0), np.array(3.0), np.array(1.1))` gives `(1.1, 1.1)`.

*Hint:* both local derivatives are 1.
""",
        stub='''
def add_backward(x, y, dout):
    """Gradients (dx, dy) of an add node z = x + y, given dout = dL/dz."""
    # YOUR CODE HERE
    raise NotImplementedError
''',
    ),
    Exercise(
        id="06.linear_backward", title="Backward of a Linear layer", name="linear_backward", points=3,
        cases=_linear_cases, reference=linear_backward,
        hints=[
            Hint(_shape_is(3, 2, lambda case: (case.args[1].shape[0],)),
                 "db must have the bias's shape (out,): the bias is added to every row of the batch, "
                 "so sum dout over the batch axis (axis 0)."),
            Hint(lambda got, exp, case: isinstance(got, (tuple, list)) and len(got) == 3
                 and _close(got[1], np.asarray(exp[1]).T) and not _close(got[1], exp[1]),
                 "dW is transposed: with W of shape (out, in) use dout.T @ x, not x.T @ dout."),
            # after the transpose hint: x.T @ dout has a wrong shape too, unless W is square
            Hint(_shape_is(3, 1, lambda case: case.args[1].shape),
                 "dW must have W's shape (out, in). dout.T @ x gives (out, N) @ (N, in)."),
            Hint(lambda got, exp, case: isinstance(got, (tuple, list)) and len(got) == 3
                 and not _close(got[2], exp[2])  # with N = 1 the mean IS the sum
                 and _close(got[2], np.asarray(exp[2]) / case.args[0].shape[0]),
                 "db is the batch mean; it must be the batch sum (the loss already divided by N)."),
        ],
        hint="y = x @ W.T + b. Return (dout @ W, dout.T @ x, dout.sum(axis=0)); each gradient has the "
             "shape of the thing it belongs to.",
        statement=r"""
A Linear layer computes `z = x @ W.T + b` for a batch `x` of shape `(N, in)`, with weights `W` of shape
`(out, in)` (PyTorch's layout) and bias `b` of shape `(out,)`. Write `linear_backward(x, W, b, dout)`
that returns `(dx, dW, db)` given `dout` $= \partial L / \partial z$ of shape `(N, out)`:

$$\frac{\partial L}{\partial x} = G\,W, \qquad \frac{\partial L}{\partial W} = G^\top x, \qquad
\frac{\partial L}{\partial b} = \sum_{n} G_{n,:} \qquad (G = \texttt{dout}).$$

Shapes: `dx` is `(N, in)`, `dW` is `(out, in)`, `db` is `(out,)`.

*Hint:* check each shape against the shape of the thing it is the gradient of. The bias is added to
every row of the batch, so its gradient collects (sums) over the rows.
""",
        stub='''
def linear_backward(x, W, b, dout):
    """Gradients (dx, dW, db) of z = x @ W.T + b, given dout = dL/dz."""
    # YOUR CODE HERE
    raise NotImplementedError
''',
    ),
    Exercise(
        id="06.sigmoid_backward", title="Sigmoid backward from its output", name="sigmoid_backward",
        points=2, cases=_sigmoid_cases, reference=sigmoid_backward,
        hints=[Hint(lambda got, exp, case: _close(got, case.args[0] * (1 - case.args[0])),
                    "You returned y * (1 - y), the local derivative alone: multiply by dout (chain rule)."),
               Hint(lambda got, exp, case: _close(got, case.args[1] * (1 / (1 + np.exp(-case.args[0])))
                                                  * (1 - 1 / (1 + np.exp(-case.args[0])))),
                    "y is already the sigmoid's output; do not apply the sigmoid to it again.")],
        hint="With y = sigmoid(x), dy/dx = y * (1 - y); return dout * y * (1 - y).",
        statement=r"""
The sigmoid layer stores its **output** $y = \sigma(x)$ in the forward pass. Write
`sigmoid_backward(y, dout)` that returns $\partial L/\partial x$, using only `y` and `dout` (same shape).

Example: `sigmoid_backward(np.array([0.5]), np.array([1.0]))` gives `array([0.25])`.

*Hint:* $\sigma'(x) = \sigma(x)(1 - \sigma(x)) = y(1-y)$. Do not apply the sigmoid again: `y` already is its output.
""",
        stub='''
def sigmoid_backward(y, dout):
    """dL/dx for y = sigmoid(x), from the stored output y and dout = dL/dy."""
    # YOUR CODE HERE
    raise NotImplementedError
''',
    ),
    Exercise(
        id="06.softmax_cross_entropy_backward", title="Softmax with cross-entropy, backward",
        name="softmax_cross_entropy_backward", points=3, cases=_softmax_ce_cases,
        reference=softmax_cross_entropy_backward, warnings_fail=True,
        hints=[Hint(lambda got, exp, case: _close(got, np.asarray(exp) * case.args[0].shape[0])
                    and case.args[0].shape[0] > 1,
                    "Off by a factor of N: the loss is the mean over the batch, so divide by N."),
               Hint(lambda got, exp, case: isinstance(got, np.ndarray) and np.isnan(got).any(),
                    "NaN: exp(1000) overflows. Subtract each row's max from the logits before exp.")],
        hint="Compute probs = softmax(logits) row by row (shift by the row max), subtract 1 at each "
             "sample's true class (one-hot), and divide by N.",
        forbidden=("torch.nn.functional.cross_entropy",),
        statement=r"""
For logits `logits` of shape `(N, C)` and integer class labels `labels` of shape `(N,)`, the mean
cross-entropy loss, with $p_n = \mathrm{softmax}(z_n)$ and $y_n$ the label of example $n$, is
$L = -\frac{1}{N}\sum_n \log p_{n, y_n}$. Write `softmax_cross_entropy_backward(logits, labels)`
that returns $\partial L/\partial z$, shape `(N, C)`:

$$\frac{\partial L}{\partial z} = \frac{p - \text{one-hot}(y)}{N}.$$

Example: for `logits = np.array([[2.0, 1.0, 0.1]])` and `labels = np.array([0])` the answer is about
`[[-0.341, 0.242, 0.099]]`.

It must work for logits as large as 1000 without any warning or NaN.

*Hint:* subtract each row's maximum from the logits before `np.exp` (softmax does not change).
""",
        stub='''
def softmax_cross_entropy_backward(logits, labels):
    """dL/dlogits of the mean softmax cross-entropy.

    logits: (N, C); labels: integer class labels, (N,). Returns (N, C).
    """
    # YOUR CODE HERE
    raise NotImplementedError
''',
    ),
    Exercise(
        id="06.relative_error", title="A gradient check: the relative error", name="relative_error",
        points=2, cases=_relerr_cases, reference=relative_error, rtol=1e-6, atol=1e-12,
        hints=[Hint(lambda got, exp, case: isinstance(got, float) and np.isnan(got),
                    "NaN for two zero arrays: 0 / 0. Return 0.0 when both norms are zero.")],
        hint="np.linalg.norm(a - b) / (np.linalg.norm(a) + np.linalg.norm(b)), and 0.0 if both are zero. "
             "Return a Python float.",
        forbidden=("dlcourse.gradcheck.relative_error",),
        statement=r"""
A gradient check compares a backward pass `a` with a numerical gradient `b` (arrays of the same shape) by
their relative error

$$\mathrm{err}(a, b) = \frac{\lVert a - b \rVert}{\lVert a \rVert + \lVert b \rVert},$$

where $\lVert\cdot\rVert$ is the Euclidean norm of all entries (`np.linalg.norm`). Write
`relative_error(a, b)` returning it as a Python `float`; return `0.0` when both arrays are all zeros.

Example: `relative_error(np.array([3.0, 0.0]), np.array([0.0, 4.0]))` gives `5 / 7 = 0.714...`.

*Hint:* unlike the absolute error $\lVert a-b\rVert$, this does not depend on how large the gradients are.
""",
        stub='''
def relative_error(a, b):
    """||a - b|| / (||a|| + ||b||) as a float; 0.0 if both are zero."""
    # YOUR CODE HERE
    raise NotImplementedError
''',
    ),
]


# ------------------------------------------------------------ the proof
# The reference solution of each exercise and its typical wrong answers, as the source a
# learner would paste into the answer cell (see CONTRIBUTING.md, tools/exercise.py prove).
SOLUTIONS = {
    "06.mul_backward": '''
def mul_backward(x, y, dout):
    dx = dout * y  # dz/dx = y
    dy = dout * x  # dz/dy = x
    return dx, dy
''',
    "06.add_backward": '''
def add_backward(x, y, dout):
    return dout * 1.0, dout * 1.0
''',
    "06.linear_backward": '''
def linear_backward(x, W, b, dout):
    dx = dout @ W            # (N, in)
    dW = dout.T @ x          # (out, in)
    db = dout.sum(axis=0)    # (out,)
    return dx, dW, db
''',
    "06.sigmoid_backward": '''
def sigmoid_backward(y, dout):
    return dout * y * (1.0 - y)
''',
    "06.softmax_cross_entropy_backward": '''
def softmax_cross_entropy_backward(logits, labels):
    N = logits.shape[0]
    z = logits - logits.max(axis=1, keepdims=True)
    probs = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    onehot = np.zeros_like(probs)
    onehot[np.arange(N), labels] = 1.0
    return (probs - onehot) / N
''',
    "06.relative_error": '''
def relative_error(a, b):
    denom = np.linalg.norm(a) + np.linalg.norm(b)
    if denom == 0:
        return 0.0
    return float(np.linalg.norm(a - b) / denom)
''',
}

WRONG = {
    "06.mul_backward": [
        # forgot to swap: each input gets its own value
        ("def mul_backward(x, y, dout):\n    return dout * x, dout * y\n",
         "dx and dy are swapped"),
        # forgot the upstream gradient
        "def mul_backward(x, y, dout):\n    return y, x\n",
    ],
    "06.add_backward": [
        # local derivative only, upstream gradient dropped
        "def add_backward(x, y, dout):\n    return np.ones_like(dout), np.ones_like(dout)\n",
        # treated like a multiply node
        "def add_backward(x, y, dout):\n    return dout * y, dout * x\n",
    ],
    "06.linear_backward": [
        # forgot to sum the bias gradient over the batch
        ("def linear_backward(x, W, b, dout):\n    return dout @ W, dout.T @ x, dout\n",
         "db must have the bias's shape"),
        # transposed weight gradient (in, out)
        ("def linear_backward(x, W, b, dout):\n    return dout @ W, x.T @ dout, dout.sum(axis=0)\n",
         "dW is transposed"),
        # averaged instead of summed over the batch
        ("def linear_backward(x, W, b, dout):\n    return dout @ W, dout.T @ x, dout.mean(axis=0)\n",
         "db is the batch mean"),
        # one weight gradient per example, never summed over the batch: (N, out, in)
        ("def linear_backward(x, W, b, dout):\n"
         "    dW = dout[:, :, None] * x[:, None, :]\n"
         "    return dout @ W, dW, dout.sum(axis=0)\n",
         "dW must have W's shape"),
        # right dx and db, dW 0.1 % too large: no hint; the feedback must show dW (item 1),
        # the item that differs, not dx (issue 11)
        "def linear_backward(x, W, b, dout):\n"
        "    return dout @ W, 1.001 * (dout.T @ x), dout.sum(axis=0)\n",
    ],
    "06.sigmoid_backward": [
        # local derivative only
        ("def sigmoid_backward(y, dout):\n    return y * (1 - y)\n",
         "the local derivative alone"),
        # applied the sigmoid again to its output
        ("def sigmoid_backward(y, dout):\n    s = 1 / (1 + np.exp(-y))\n    return dout * s * (1 - s)\n",
         "do not apply the sigmoid to it again"),
    ],
    "06.softmax_cross_entropy_backward": [
        # forgot to divide by N
        ('''
def softmax_cross_entropy_backward(logits, labels):
    z = logits - logits.max(axis=1, keepdims=True)
    probs = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    probs[np.arange(len(labels)), labels] -= 1
    return probs
''', "Off by a factor of N"),
        # used the probabilities without subtracting the one-hot targets
        '''
def softmax_cross_entropy_backward(logits, labels):
    z = logits - logits.max(axis=1, keepdims=True)
    probs = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    return probs / len(labels)
''',
        # unstable softmax: overflows at logits of 1000
        ('''
def softmax_cross_entropy_backward(logits, labels):
    probs = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    probs[np.arange(len(labels)), labels] -= 1
    return probs / len(labels)
''', "exp(1000) overflows"),
    ],
    "06.relative_error": [
        # absolute error, not relative
        "def relative_error(a, b):\n    return float(np.linalg.norm(a - b))\n",
        # divides by ||a|| only, and 0/0 for zero arrays
        ("def relative_error(a, b):\n    return float(np.linalg.norm(a - b) / np.linalg.norm(a))\n",
         "NaN for two zero arrays"),
        # the right formula without the guard: 0 / 0 = NaN for two zero arrays
        ("def relative_error(a, b):\n"
         "    return float(np.linalg.norm(a - b) / (np.linalg.norm(a) + np.linalg.norm(b)))\n",
         "NaN for two zero arrays"),
    ],
}
