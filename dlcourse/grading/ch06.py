"""Exercises of chapter 6, Backpropagation: node and layer backward passes and a gradient check.

Every answer is a NumPy array, a number, or a tuple of those. Layouts follow PyTorch: a Linear
layer's weight ``W`` is ``(out, in)``, so its forward is ``x @ W.T + b``.
"""
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
    ),
    Exercise(
        id="06.add_backward", title="Backward of an add node", name="add_backward", points=1,
        cases=_node_cases, reference=add_backward,
        hint="z = x + y: dz/dx = dz/dy = 1, so both inputs receive dout unchanged: return (dout, dout).",
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
    ),
    Exercise(
        id="06.relative_error", title="A gradient check: the relative error", name="relative_error",
        points=2, cases=_relerr_cases, reference=relative_error, rtol=1e-6, atol=1e-12,
        hints=[Hint(lambda got, exp, case: isinstance(got, float) and np.isnan(got),
                    "NaN for two zero arrays: 0 / 0. Return 0.0 when both norms are zero.")],
        hint="np.linalg.norm(a - b) / (np.linalg.norm(a) + np.linalg.norm(b)), and 0.0 if both are zero. "
             "Return a Python float.",
        forbidden=("dlcourse.gradcheck.relative_error",),
    ),
]
