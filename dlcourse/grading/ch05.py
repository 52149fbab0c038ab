"""Chapter 5 exercises: numerical gradient, a gradient-descent loop, fitting a line, one SGD
step, and counting iterations.

Only plain data can cross to the grader, so the functions to differentiate and descend are
fixed quadratics given by their coefficients: f(x) = 1/2 x^T A x + b^T x.
"""
# Over the house style's ~300 lines on purpose: each exercise of the chapter is defined whole
# in this file (statement, stub, points, cases, judge, hints, reference solution and typical
# wrong answers), so a teacher changes an exercise in one place; tools/exercise.py writes the
# notebook's cells from it and proves it.
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
        statement=r"""
Only plain data (arrays and numbers) can travel to the grader, so instead of taking any
function `f`, this exercise fixes one family: the quadratic

$$ f(x) = \tfrac12\, x^\top A x + b^\top x, $$

given by a square matrix `A` (shape `(D, D)`) and a vector `b` (shape `(D,)`). Write
`numerical_gradient_quadratic(A, b, x, h=1e-4)` that returns the gradient of `f` at `x`
(shape `(D,)`) by **central differences**, one coordinate at a time:

$$ \frac{\partial f}{\partial x_i} \approx \frac{f(x + h e_i) - f(x - h e_i)}{2h}, $$

where $e_i$ is the vector with 1 in position $i$ and 0 elsewhere. Do not compute $Ax + b$:
the point is to get the gradient from values of $f$ alone. Work on a float copy,
`x = np.array(x, dtype=float)`: nudge `x[i]` in the copy, put it back before moving to the next
coordinate, and never change the caller's `x`. (One check passes `x` as integers; an integer
array cannot even hold `x[i] + h`.)

Example: with `A = np.array([[2.0, 0.0], [0.0, 4.0]])`, `b = np.array([1.0, -1.0])` and
`x = np.array([0.5, 2.0])` the answer is close to `array([2.0, 7.0])`.
""",
        stub='''
def numerical_gradient_quadratic(A, b, x, h=1e-4):
    """Central-difference gradient of f(v) = 0.5 * v @ A @ v + b @ v at x.

    A: (D, D), b: (D,), x: (D,), h: the step. Returns an array of shape (D,).
    """
    # YOUR CODE HERE
    raise NotImplementedError("for each i: (f(x + h e_i) - f(x - h e_i)) / 2h")
''',
    ),
    Exercise(
        id="05.gradient_descent", title="A gradient-descent loop", name="gradient_descent", points=3,
        cases=_gd_cases, reference=_gradient_descent, rtol=1e-6, atol=1e-9,
        hint="Repeat `steps` times: x = x - lr * (A @ x + b). Start from a float copy of x0 and "
             "return the final x (an array shaped like x0), not the history.",
        statement=r"""
On the same kind of quadratic, with a **symmetric** `A`, the gradient is $\nabla f(x) = Ax + b$.
Write `gradient_descent(A, b, x0, lr, steps)` that starts at `x0` and applies the update rule

$$ x \leftarrow x - \eta\, \nabla f(x) $$

exactly `steps` times with learning rate $\eta$ = `lr`, and returns the final `x` (an array
shaped like `x0`; with `steps = 0` that is `x0`'s values). Do not modify `x0`: update a float
copy, `x = np.array(x0, dtype=float)`, never `x0` itself (one check passes `x0` as integers).

Example: `gradient_descent(np.array([[2.0, 0.0], [0.0, 6.0]]), np.array([-2.0, 3.0]), np.zeros(2), 0.1, 20)`
is close to the minimum `array([1.0, -0.5])`.
""",
        stub='''
def gradient_descent(A, b, x0, lr, steps):
    """Run `steps` updates x <- x - lr * (A @ x + b); return the final x.

    The result has the shape of x0; x0 itself is not changed.
    """
    # YOUR CODE HERE
    raise NotImplementedError("loop `steps` times: x = x - lr * (A @ x + b)")
''',
    ),
    Exercise(
        id="05.fit_line", title="Fit y = w x + b by gradient descent", name="fit_line", points=3,
        cases=_line_cases, reference=_fit_line_reference, judge=_judge_line,
        hint="Start at w = b = 0. Each epoch: y_hat = w * x + b; grad_w = 2 * mean((y_hat - y) * x); "
             "grad_b = 2 * mean(y_hat - y); then w -= lr * grad_w and b -= lr * grad_b.",
        forbidden=("numpy.polyfit", "numpy.linalg.lstsq"),
        heading='Fit a line by gradient descent',
        statement=r"""
Write `fit_line(x, y, lr, epochs)` that fits $\hat y = w x + b$ to 1-D arrays `x`, `y` (shape
`(n,)`) by full-batch gradient descent on the mean squared error
$L = \frac1n \sum_i (w x_i + b - y_i)^2$, whose gradients are

$$ \frac{\partial L}{\partial w} = \frac2n \sum_i (w x_i + b - y_i)\,x_i, \qquad
   \frac{\partial L}{\partial b} = \frac2n \sum_i (w x_i + b - y_i). $$

Start from $w = b = 0$, take `epochs` steps with learning rate `lr`, and return the pair
`(w, b)` as two floats. The checker passes when both are within 0.05 of the best-fitting line
(it uses `lr=0.1` and `epochs=1000` on data like `y = 2x + 1 + noise`).
""",
        stub='''
def fit_line(x, y, lr, epochs):
    """Fit y ≈ w * x + b by full-batch gradient descent on the MSE.

    Returns the pair (w, b) as two floats.
    """
    # YOUR CODE HERE
    raise NotImplementedError("start at w = b = 0; step both by lr * gradient")
''',
    ),
    Exercise(
        id="05.sgd_step", title="One mini-batch SGD step", name="sgd_step", points=2,
        cases=_sgd_cases, reference=_sgd_step,
        hint="L = mean((w*x + b - y)**2). dL/dw = 2*mean((w*x + b - y)*x), dL/db = 2*mean(w*x + b - y); "
             "compute both with the OLD w and b, then step both.",
        statement="""
Mini-batch stochastic gradient descent computes the same gradients as exercise 3, but on a
small batch of examples instead of all of them. Write `sgd_step(w, b, x, y, lr)` that takes the
current `w` and `b` (floats), one batch `x`, `y` (1-D arrays of the same length) and the learning
rate, and returns the new `(w, b)` after **one** step on that batch's mean squared error.
Compute both gradients with the old `w` and `b` before changing either.

Example: `sgd_step(0.0, 0.0, np.array([1.0, 2.0]), np.array([3.0, 5.0]), 0.1)` gives
`(1.3, 0.8)`.
""",
        stub='''
def sgd_step(w, b, x, y, lr):
    """One gradient step on the batch's mean squared error: (new_w, new_b)."""
    # YOUR CODE HERE
    raise NotImplementedError(
        "grad_w = 2 * mean((w*x + b - y) * x), grad_b = 2 * mean(w*x + b - y)")
''',
    ),
    Exercise(
        id="05.num_iterations", title="Epochs, batches and iterations", name="num_iterations", points=1,
        cases=_iter_cases, reference=_num_iterations, judge=judge_whole_number,
        hint="Each epoch needs ceil(n / batch_size) iterations: a last, smaller batch still counts.",
        statement="""
A data set of `n` examples is cut into batches of `batch_size` (the last batch may be
smaller). One **iteration** is one update on one batch; one **epoch** is one pass over all
batches. Write `num_iterations(n, batch_size, epochs)` that returns how many iterations (an
`int`) training for `epochs` epochs takes.

Example: `num_iterations(100, 32, 3)` is `12`: each epoch has batches of 32, 32, 32 and 4.
""",
        stub='''
def num_iterations(n, batch_size, epochs):
    """How many updates (an int): `epochs` epochs over n examples, in batches
    of batch_size."""
    # YOUR CODE HERE
    raise NotImplementedError("iterations per epoch = ceil(n / batch_size)")
''',
    ),
]


# ------------------------------------------------------------ the proof
# The reference solution of each exercise and its typical wrong answers, as the source a
# learner would paste into the answer cell (see CONTRIBUTING.md, tools/exercise.py prove).
SOLUTIONS = {
    "05.numerical_gradient": '''
def numerical_gradient_quadratic(A, b, x, h=1e-4):
    def f(v):
        return 0.5 * v @ A @ v + b @ v
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    for i in range(x.size):
        old = x[i]
        x[i] = old + h
        f_plus = f(x)
        x[i] = old - h
        f_minus = f(x)
        x[i] = old                      # restore before the next coordinate
        grad[i] = (f_plus - f_minus) / (2 * h)
    return grad
''',
    "05.gradient_descent": '''
def gradient_descent(A, b, x0, lr, steps):
    x = np.array(x0, dtype=float)
    for _ in range(steps):
        x = x - lr * (A @ x + b)
    return x
''',
    "05.fit_line": '''
def fit_line(x, y, lr, epochs):
    w, b = 0.0, 0.0
    for _ in range(epochs):
        error = w * x + b - y
        grad_w = 2 * np.mean(error * x)
        grad_b = 2 * np.mean(error)
        w, b = w - lr * grad_w, b - lr * grad_b
    return w, b
''',
    "05.sgd_step": '''
def sgd_step(w, b, x, y, lr):
    error = w * x + b - y
    grad_w = 2 * np.mean(error * x)
    grad_b = 2 * np.mean(error)
    return w - lr * grad_w, b - lr * grad_b
''',
    "05.num_iterations": '''
def num_iterations(n, batch_size, epochs):
    batches_per_epoch = -(-n // batch_size)   # ceiling division
    return batches_per_epoch * epochs
''',
}

WRONG = {
    "05.numerical_gradient": [
        # forward difference: error h/2 * f''
        "def numerical_gradient_quadratic(A, b, x, h=1e-4):\n"
        "    f = lambda v: 0.5 * v @ A @ v + b @ v\n"
        "    x = np.array(x, dtype=float)\n    grad = np.zeros_like(x)\n"
        "    for i in range(x.size):\n        e = np.zeros_like(x); e[i] = h\n"
        "        grad[i] = (f(x + e) - f(x)) / h\n    return grad\n",
        # forgot to restore x[i]: later coordinates are taken at a shifted point
        "def numerical_gradient_quadratic(A, b, x, h=1e-4):\n"
        "    f = lambda v: 0.5 * v @ A @ v + b @ v\n"
        "    x = np.array(x, dtype=float)\n    grad = np.zeros_like(x)\n"
        "    for i in range(x.size):\n        x[i] += h\n        fp = f(x)\n"
        "        x[i] -= 2 * h\n        fm = f(x)\n        grad[i] = (fp - fm) / (2 * h)\n    return grad\n",
        # divided by h instead of 2h
        ("def numerical_gradient_quadratic(A, b, x, h=1e-4):\n"
         "    f = lambda v: 0.5 * v @ A @ v + b @ v\n"
         "    x = np.array(x, dtype=float)\n    grad = np.zeros_like(x)\n"
         "    for i in range(x.size):\n        e = np.zeros_like(x); e[i] = h\n"
         "        grad[i] = (f(x + e) - f(x - e)) / h\n    return grad\n",
         "divide by 2h, not h"),
        # breaks the rule "do not change the caller's x": nudges the caller's array itself
        "def numerical_gradient_quadratic(A, b, x, h=1e-4):\n"
        "    f = lambda v: 0.5 * v @ A @ v + b @ v\n"
        "    grad = np.zeros(x.shape)\n"
        "    for i in range(x.size):\n        old = x[i]\n"
        "        x[i] = old + h\n        f_plus = f(x)\n"
        "        x[i] = old - h\n        f_minus = f(x)\n        x[i] = old\n"
        "        grad[i] = (f_plus - f_minus) / (2 * h)\n    return grad\n",
    ],
    "05.gradient_descent": [
        # gradient ascent: the sign is wrong
        "def gradient_descent(A, b, x0, lr, steps):\n    x = np.array(x0, dtype=float)\n"
        "    for _ in range(steps):\n        x = x + lr * (A @ x + b)\n    return x\n",
        # one step too many
        "def gradient_descent(A, b, x0, lr, steps):\n    x = np.array(x0, dtype=float)\n"
        "    for _ in range(steps + 1):\n        x = x - lr * (A @ x + b)\n    return x\n",
        # breaks the rule "do not modify x0": updates the caller's array in place
        "def gradient_descent(A, b, x0, lr, steps):\n    x = x0\n"
        "    for _ in range(steps):\n        x -= lr * (A @ x + b)\n    return x\n",
        # gradient computed once at x0 and never again
        "def gradient_descent(A, b, x0, lr, steps):\n    x = np.array(x0, dtype=float)\n"
        "    g = A @ x + b\n    for _ in range(steps):\n        x = x - lr * g\n    return x\n",
    ],
    "05.fit_line": [
        # the bias is never trained
        "def fit_line(x, y, lr, epochs):\n    w, b = 0.0, 0.0\n    for _ in range(epochs):\n"
        "        w -= lr * 2 * np.mean((w * x + b - y) * x)\n    return w, b\n",
        # wrong sign: climbs the loss and blows up
        "def fit_line(x, y, lr, epochs):\n    w, b = 0.0, 0.0\n    for _ in range(epochs):\n"
        "        e = w * x + b - y\n        w += lr * 2 * np.mean(e * x)\n        b += lr * 2 * np.mean(e)\n    return w, b\n",
        # sums instead of means: steps n times too big, diverges
        "def fit_line(x, y, lr, epochs):\n    w, b = 0.0, 0.0\n    for _ in range(epochs):\n"
        "        e = w * x + b - y\n        w -= lr * 2 * np.sum(e * x)\n        b -= lr * 2 * np.sum(e)\n    return w, b\n",
    ],
    "05.sgd_step": [
        # missing the factor 2 of the square's derivative
        "def sgd_step(w, b, x, y, lr):\n    e = w * x + b - y\n"
        "    return w - lr * np.mean(e * x), b - lr * np.mean(e)\n",
        # b's gradient computed with the already-updated w
        "def sgd_step(w, b, x, y, lr):\n    w = w - lr * 2 * np.mean((w * x + b - y) * x)\n"
        "    b = b - lr * 2 * np.mean(w * x + b - y)\n    return w, b\n",
        # sum instead of mean
        "def sgd_step(w, b, x, y, lr):\n    e = w * x + b - y\n"
        "    return w - lr * 2 * np.sum(e * x), b - lr * 2 * np.sum(e)\n",
    ],
    "05.num_iterations": [
        # floor division drops the last, smaller batch
        "def num_iterations(n, batch_size, epochs):\n    return n // batch_size * epochs\n",
        # total examples over batch size, floored
        "def num_iterations(n, batch_size, epochs):\n    return n * epochs // batch_size\n",
        # returns a float
        "def num_iterations(n, batch_size, epochs):\n    return n / batch_size * epochs\n",
        # breaks the rule "an int": the right count, as a float
        "import math\ndef num_iterations(n, batch_size, epochs):\n"
        "    return float(math.ceil(n / batch_size) * epochs)\n",
    ],
}
