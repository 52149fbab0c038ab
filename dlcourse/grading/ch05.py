"""Chapter 5 exercises: numerical gradient, a gradient-descent loop, fitting a line, one SGD
step, and counting iterations.

Only plain data can cross to the grader, so the functions to differentiate and descend are
fixed quadratics given by their coefficients: f(x) = 1/2 x^T A x + b^T x.
"""
from __future__ import annotations

import math

import numpy as np

from dlcourse.grading.spec import Case, Exercise, Hint, is_finite_number


def _quadratic_gradient(A, b, x, h=1e-4):
    """The exact gradient of f(x) = 1/2 x^T A x + b^T x (what central differences recover)."""
    A, b, x = (np.asarray(v, dtype=float) for v in (A, b, x))
    return 0.5 * (A + A.T) @ x + b


def _gradient_descent(A, b, x0, lr, steps):
    A, b = np.asarray(A, dtype=float), np.asarray(b, dtype=float)
    x = np.array(x0, dtype=float)
    for _ in range(int(steps)):
        x = x - lr * (A @ x + b)
    return x


def _fit_line_reference(x, y, lr, epochs):
    """The least-squares line: gradient descent run long enough must land within 0.05 of it."""
    w, b = np.polyfit(np.asarray(x, dtype=float).ravel(), np.asarray(y, dtype=float).ravel(), 1)
    return float(w), float(b)


def _sgd_step(w, b, x, y, lr):
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    err = w * x + b - y
    return float(w - lr * 2 * np.mean(err * x)), float(b - lr * 2 * np.mean(err))


def _num_iterations(n, batch_size, epochs):
    return math.ceil(n / batch_size) * epochs


def _ng_cases():
    rng = np.random.default_rng(5)
    M = rng.normal(size=(3, 3))
    return [
        Case((np.array([[2.0, 0.0], [0.0, 4.0]]), np.array([1.0, -1.0]), np.array([0.5, 2.0])),
             label="2-D bowl, no coupling"),
        Case((np.array([[3.0, 1.0], [1.0, 2.0]]), np.array([0.0, 0.5]), np.array([1.0, -1.0])),
             label="2-D, coupled (off-diagonal 1)"),
        Case((M @ M.T + 3 * np.eye(3), rng.normal(size=3), rng.normal(size=3)),
             label="3-D, random symmetric A"),
        Case((np.array([[2.0, 3.0], [-1.0, 5.0]]), np.array([0.0, 0.0]), np.array([1.0, 1.0])),
             label="A not symmetric"),
        Case((np.array([[6.0, 2.0], [2.0, 3.0]]), np.array([1.0, 1.0]), np.array([-2.0, 0.5]), 1e-3),
             label="h = 1e-3"),
        # Nudging the caller's x itself (no float copy) cannot hold x[i] + h in an integer array:
        # this case is how the rule "do not change the caller's x" is checked.
        Case((np.array([[2.0, 1.0], [1.0, 3.0]]), np.array([0.5, -1.0]), np.array([1, -2])),
             label="x given as integers (nudge a float copy, never the caller's x)"),
    ]


def _gd_cases():
    bowl = np.array([[2.0, 0.0], [0.0, 6.0]])
    return [
        Case((bowl, np.array([-2.0, 3.0]), np.array([0.0, 0.0]), 0.1, 20), label="a bowl, lr 0.1, 20 steps"),
        Case((bowl, np.array([0.0, 0.0]), np.array([1.0, 1.0]), 0.01, 5), label="lr 0.01, 5 steps (crawls)"),
        Case((bowl, np.array([0.0, 0.0]), np.array([1.0, 1.0]), 0.4, 10), label="lr 0.4, 10 steps (diverges)"),
        Case((bowl, np.array([1.0, 1.0]), np.array([3.0, -2.0]), 0.1, 0), label="0 steps: x0 unchanged"),
        # Updating x0 in place (x0 -= ...) fails on an integer x0: the rule "do not modify x0".
        Case((bowl, np.array([-2.0, 3.0]), np.array([2, -1]), 0.1, 10),
             label="x0 given as integers (update a float copy, never x0 itself)"),
        Case((np.array([[3.0, 1.0, 0.0], [1.0, 2.0, 0.5], [0.0, 0.5, 1.0]]), np.array([1.0, 0.0, -1.0]),
              np.array([0.5, 0.5, 0.5]), 0.2, 15), label="3-D, coupled"),
    ]


def _line_cases():
    cases = []
    for seed, (w, b, n) in enumerate([(2.0, 1.0, 100), (-1.5, 0.5, 60), (0.5, -2.0, 200)]):
        rng = np.random.default_rng(10 + seed)
        x = rng.uniform(-1, 1, size=n)
        y = w * x + b + 0.1 * rng.normal(size=n)
        cases.append(Case((x, y, 0.1, 1000), label=f"y = {w} x + {b} + noise, n={n}, lr 0.1, 1000 epochs"))
    return cases


def _judge_line(received, expected, case):
    if not isinstance(received, (list, tuple)) or len(received) != 2:
        return False, "expected the pair (w, b)"
    w, b = received
    w = float(np.asarray(w).ravel()[0]) if isinstance(w, np.ndarray) and w.size == 1 else w
    b = float(np.asarray(b).ravel()[0]) if isinstance(b, np.ndarray) and b.size == 1 else b
    if not (is_finite_number(w) and is_finite_number(b)):
        return False, f"expected two finite numbers; got w={w!r}, b={b!r} (did the loss blow up?)"
    ew, eb = expected
    if abs(w - ew) > 0.05 or abs(b - eb) > 0.05:
        return False, f"expected w within 0.05 of {ew:.3f} and b within 0.05 of {eb:.3f}; got w={w:.3f}, b={b:.3f}"
    return True, ""


def _sgd_cases():
    rng = np.random.default_rng(7)
    x, y = rng.uniform(-1, 1, size=8), rng.normal(size=8)
    return [
        Case((0.0, 0.0, np.array([1.0, 2.0]), np.array([3.0, 5.0]), 0.1), label="two points, start at 0"),
        Case((2.0, 1.0, np.array([0.0, 1.0]), np.array([1.0, 3.0]), 0.5), label="already exact: no change"),
        Case((0.5, -0.3, x, y, 0.05), label="a batch of 8"),
        Case((1.0, 1.0, np.array([0.5]), np.array([-1.0]), 0.2), label="a batch of 1"),
    ]


def _iter_cases():
    return [Case((1000, 100, 1), label="1000 examples, batch 100, 1 epoch"),
            Case((100, 32, 3), label="100 examples, batch 32, 3 epochs (last batch smaller)"),
            Case((60000, 128, 10), label="60000 examples, batch 128, 10 epochs"),
            Case((50, 50, 7), label="full batch: one iteration per epoch"),
            Case((7, 1, 2), label="batch size 1 (single-example SGD)")]


def judge_whole_number(received, expected, case):
    """For answers the statement asks to be an int: a float, even 12.0, does not pass (chapter 7
    uses it too)."""
    if not isinstance(received, int) or isinstance(received, bool):
        return False, f"expected the int {expected}; got {type(received).__name__} {received!r}"
    if received != expected:
        return False, f"expected {expected}, got {received}"
    return True, ""


EXERCISES = [
    Exercise(
        id="05.numerical_gradient", title="The gradient by central differences",
        name="numerical_gradient_quadratic", points=3, cases=_ng_cases, reference=_quadratic_gradient,
        rtol=1e-5, atol=1e-6,
        hint="Define f(v) = 0.5 * v @ A @ v + b @ v. For each i: copy x, add h to entry i, "
             "evaluate f; subtract h instead, evaluate f; the partial is (f_plus - f_minus) / (2h).",
        hints=[Hint(lambda got, exp, case: isinstance(got, np.ndarray) and got.shape == exp.shape
                    and np.allclose(got, 2 * exp, rtol=1e-3, atol=1e-6),
                    "Every value is twice too big: divide by 2h, not h.")],
        forbidden=("dlcourse.gradcheck.numerical_gradient",),
    ),
    Exercise(
        id="05.gradient_descent", title="A gradient-descent loop", name="gradient_descent", points=3,
        cases=_gd_cases, reference=_gradient_descent, rtol=1e-6, atol=1e-9,
        hint="Repeat `steps` times: x = x - lr * (A @ x + b). Start from a float copy of x0 and "
             "return the final x (an array shaped like x0), not the history.",
    ),
    Exercise(
        id="05.fit_line", title="Fit y = w x + b by gradient descent", name="fit_line", points=3,
        cases=_line_cases, reference=_fit_line_reference, judge=_judge_line,
        hint="Start at w = b = 0. Each epoch: y_hat = w * x + b; grad_w = 2 * mean((y_hat - y) * x); "
             "grad_b = 2 * mean(y_hat - y); then w -= lr * grad_w and b -= lr * grad_b.",
        forbidden=("numpy.polyfit", "numpy.linalg.lstsq"),
    ),
    Exercise(
        id="05.sgd_step", title="One mini-batch SGD step", name="sgd_step", points=2,
        cases=_sgd_cases, reference=_sgd_step,
        hint="L = mean((w*x + b - y)**2). dL/dw = 2*mean((w*x + b - y)*x), dL/db = 2*mean(w*x + b - y); "
             "compute both with the OLD w and b, then step both.",
    ),
    Exercise(
        id="05.num_iterations", title="Epochs, batches and iterations", name="num_iterations", points=1,
        cases=_iter_cases, reference=_num_iterations, judge=judge_whole_number,
        hint="Each epoch needs ceil(n / batch_size) iterations: a last, smaller batch still counts.",
    ),
]
