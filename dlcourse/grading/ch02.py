"""Chapter 2 exercises: logic gates as perceptrons, XOR by composition, the learning rule."""
# Over the house style's ~300 lines on purpose: each exercise of the chapter is defined whole
# in this file (statement, stub, points, cases, judge, hints, reference solution and typical
# wrong answers), so a teacher changes an exercise in one place; tools/exercise.py writes the
# notebook's cells from it and proves it.
from __future__ import annotations

import numpy as np

from dlcourse import perceptron
from dlcourse.grading.spec import Case, Exercise, Hint, compare

_X1 = np.array([0, 0, 1, 1])
_X2 = np.array([0, 1, 0, 1])


def _gate_cases() -> list[Case]:
    rng = np.random.default_rng(2)
    cases = [Case((int(a), int(b)), label=f"x1={a}, x2={b} (plain numbers)") for a, b in zip(_X1, _X2)]
    cases.append(Case((_X1.copy(), _X2.copy()), label="the whole truth table as two arrays of 4"))
    big = rng.integers(0, 2, size=(2, 3, 4))
    cases.append(Case((big[0], big[1]), label="a (3, 4) grid of inputs"))
    cases.append(Case((_X1.astype(float), _X2.astype(float)),
                      label="the truth table as floats 0.0 and 1.0"))
    return cases


def _judge_bits(received, expected, case):
    """Right 0/1 values in the right shape, as integers (the statements ask for 0/1 integers:
    booleans and floats do not count)."""
    exp = np.asarray(expected)
    if isinstance(received, (list, tuple, dict, str)) or received is None:
        return False, f"expected a number or an array of 0/1 values; got {type(received).__name__}"
    got = np.asarray(received)
    if got.shape != exp.shape:
        return False, f"expected shape {exp.shape}; got shape {got.shape}"
    if got.dtype.kind not in "biuf" or not np.isin(got, (0, 1)).all():
        return False, "outputs must be 0 or 1 (did you return the weighted sum instead of its step?)"
    if got.dtype.kind == "b":
        return False, ("expected 0/1 integers; got booleans (True/False). Turn them into "
                       "integers: (s > 0).astype(int)")
    if got.dtype.kind == "f":
        return False, ("expected 0/1 integers; got floats (0.0/1.0). Turn them into "
                       "integers: (s > 0).astype(int)")
    bad = np.flatnonzero(got.astype(int).ravel() != exp.ravel())
    if bad.size:
        return False, (f"{bad.size} of {exp.size} outputs are wrong; expected {exp.ravel().tolist()}, "
                       f"got {got.astype(int).ravel().tolist()}")
    return True, ""



_VECTOR_HINT = (
    "Your gate must also work on arrays: use np.asarray and (sum > 0).astype(int) instead of "
    "Python's if/else or int(...), which only work on single numbers."
)


_GATE_STUB = '''
def {name}(x1, x2):
    """{word} of x1 and x2 computed by one perceptron.

    x1, x2: numbers (0 or 1) or NumPy arrays of 0s and 1s of the same shape.
    Returns 0/1 integers of that shape.
    """
    # YOUR CODE HERE
    raise NotImplementedError("choose w1, w2, b; return "
                              "(w1*x1 + w2*x2 + b > 0) as 0/1 ints")
'''


def _gate(name: str, fn, truth: str, forbidden: str, extra_hint: str, **text) -> Exercise:
    """One of the three one-perceptron gates; ``text``: its statement. The stub is the same
    for all three but for the gate's name."""
    word = name.split("_")[0].upper()
    return Exercise(
        stub=_GATE_STUB.format(name=name, word=word),
        id=f"02.{name}", title=f"{word} as one perceptron", name=name, points=2,
        cases=_gate_cases, reference=fn, judge=_judge_bits,
        hint=f"Truth table: {truth}. Pick w1, w2, b so that w1*x1 + w2*x2 + b > 0 exactly on the "
             f"rows that give 1. {extra_hint} {_VECTOR_HINT}",
        forbidden=(forbidden,), **text,
    )


def _judge_update(got, exp, case):
    """The pair (new_w, new_b): an array of shape (D,) and one number, with the right values."""
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        return False, f"expected the pair (new_w, new_b); got {type(got).__name__}"
    w, b = got
    if not isinstance(w, np.ndarray) or w.shape != np.shape(exp[0]):
        shape = getattr(w, "shape", None)
        return False, (f"expected new_w as an array of shape {np.shape(exp[0])}; got "
                       f"{type(w).__name__}" + (f" of shape {shape}" if shape is not None else ""))
    if isinstance(b, bool) or not isinstance(b, (int, float)):
        return False, f"expected new_b as one number (a float); got {type(b).__name__}"
    return compare((w, float(b)), (np.asarray(exp[0]), float(exp[1])))


def _fires_at_zero(got, exp, case) -> bool:
    """The answer equals the update made with step(0) = 1 (>= 0), which differs here."""
    w, b, x, y, lr = case.args
    y_hat = 1 if w @ x + b >= 0 else 0
    ge_w, ge_b = w + lr * (y - y_hat) * x, b + lr * (y - y_hat)
    if not (isinstance(got, (list, tuple)) and len(got) == 2):
        return False
    if np.allclose(ge_w, exp[0]) and np.isclose(ge_b, exp[1]):
        return False  # >= and > agree on this case
    return bool(np.allclose(np.asarray(got[0], dtype=float), ge_w) and np.isclose(float(got[1]), ge_b))


def _update_cases() -> list[Case]:
    return [
        Case((np.array([0.5, -0.5]), 0.0, np.array([1.0, 0.0]), 1, 0.1), label="already right: no change"),
        Case((np.array([0.2, 0.3]), -1.0, np.array([1.0, 1.0]), 1, 0.1), label="should fire but did not"),
        Case((np.array([0.4, 0.1]), 0.2, np.array([2.0, -1.0]), 0, 0.5), label="fired but should not"),
        Case((np.array([0.5, -0.5]), 0.0, np.array([1.0, 1.0]), 1, 0.25), label="sum exactly 0 (step(0) = 0)"),
        Case((np.array([0.0, 0.0, 0.0]), 0.0, np.array([0.0, 0.0, 0.0]), 0, 1.0), label="3 inputs, sum 0, label 0"),
        Case((np.array([1.0, -2.0, 0.5]), 0.3, np.array([-1.0, 0.5, 2.0]), 1, 0.2), label="3 inputs, should fire"),
    ]


EXERCISES = [
    _gate("and_gate", perceptron.and_gate, "0,0->0  0,1->0  1,0->0  1,1->1",
          "dlcourse.perceptron.and_gate", "Only (1, 1) may pass: each input alone must stay below zero.",
          statement=r"""
Write `and_gate(x1, x2)`: a single perceptron $y = \operatorname{step}(w_1 x_1 + w_2 x_2 + b)$,
with weights and a bias you choose, that outputs 1 only when both inputs are 1.

| $x_1$ | $x_2$ | AND |
|---|---|---|
| 0 | 0 | 0 |
| 0 | 1 | 0 |
| 1 | 0 | 0 |
| 1 | 1 | 1 |

It must work on single numbers **and** on arrays, element by element (the inputs may be
integers or floats, 0.0 and 1.0), and return 0/1 integers, not booleans or floats:
`and_gate(1, 1)` gives `1`, and `and_gate(np.array([0, 0, 1, 1]), np.array([0, 1, 0, 1]))` gives
`array([0, 0, 0, 1])`. Hint: `np.asarray(...)`, then `(s > 0).astype(int)` works for both.
"""),
    _gate("nand_gate", perceptron.nand_gate, "0,0->1  0,1->1  1,0->1  1,1->0",
          "dlcourse.perceptron.nand_gate", "NAND is AND with every sign (w1, w2 and b) flipped.",
          statement="""
Write `nand_gate(x1, x2)` the same way: NAND ("not AND") outputs 0 only when both inputs are 1.

| $x_1$ | $x_2$ | NAND |
|---|---|---|
| 0 | 0 | 1 |
| 0 | 1 | 1 |
| 1 | 0 | 1 |
| 1 | 1 | 0 |

Example: `nand_gate(np.array([0, 1]), np.array([0, 1]))` gives `array([1, 0])`.
"""),
    _gate("or_gate", perceptron.or_gate, "0,0->0  0,1->1  1,0->1  1,1->1",
          "dlcourse.perceptron.or_gate", "One input alone must already clear the bar.",
          statement="""
Write `or_gate(x1, x2)`: OR outputs 1 when at least one input is 1.

| $x_1$ | $x_2$ | OR |
|---|---|---|
| 0 | 0 | 0 |
| 0 | 1 | 1 |
| 1 | 0 | 1 |
| 1 | 1 | 1 |

Example: `or_gate(0, 1)` gives `1`.
"""),
    Exercise(
        id="02.xor_gate", title="XOR from NAND, OR and AND", name="xor_gate", points=3,
        cases=_gate_cases, reference=perceptron.xor_gate, judge=_judge_bits,
        hint="Truth table: 0,0->0  0,1->1  1,0->1  1,1->0. First layer: s1 = NAND(x1, x2) and "
             "s2 = OR(x1, x2); second layer: AND(s1, s2). " + _VECTOR_HINT,
        hints=[Hint(lambda got, exp, case: np.size(exp) > 1 and np.array_equal(np.asarray(got), 1 - np.asarray(exp)),
                    "Every output is flipped: you built XNOR. Check which gates go in which layer.")],
        forbidden=("dlcourse.perceptron.xor_gate", "numpy.logical_xor", "numpy.bitwise_xor"),
        heading='XOR by composition',
        statement=r"""
No single perceptron computes XOR (1 when exactly one input is 1). Two layers do: a NAND and an
OR perceptron read the inputs, and an AND perceptron reads their outputs,
$y = \operatorname{AND}(\operatorname{NAND}(x_1, x_2), \operatorname{OR}(x_1, x_2))$.

Write `xor_gate(x1, x2)` that way, for numbers and arrays (integers or floats 0.0 and 1.0),
returning 0/1 integers. Build it from perceptrons (do not use `np.logical_xor` or `^`). You may
call your `nand_gate`, `or_gate` and `and_gate` from above (then run their cells first, and
note that a mistake there shows up here too), or write a small helper in this cell, for
example `fire(x1, x2, w1, w2, b)`.

Example: `xor_gate(np.array([0, 0, 1, 1]), np.array([0, 1, 0, 1]))` gives `array([0, 1, 1, 0])`.
""",
        stub='''
def xor_gate(x1, x2):
    """XOR of x1 and x2 as a two-layer network: AND(NAND(x1, x2), OR(x1, x2)).

    x1, x2: numbers (0 or 1) or arrays of 0s and 1s of the same shape.
    Returns 0/1 ints.
    """
    # YOUR CODE HERE
    raise NotImplementedError("first layer: NAND and OR; "
                              "second layer: AND of their outputs")
''',
    ),
    Exercise(
        id="02.perceptron_update", title="One step of the perceptron learning rule",
        name="perceptron_update", points=3, cases=_update_cases,
        reference=perceptron.perceptron_update, judge=_judge_update,
        hint="y_hat = 1 if w @ x + b > 0 else 0 (strictly greater); then "
             "w + lr * (y - y_hat) * x and b + lr * (y - y_hat). Return the pair (w, b).",
        hints=[
            Hint(_fires_at_zero,
                 "At a weighted sum of exactly 0 the perceptron does not fire: use > 0, not >= 0."),
        ],
        forbidden=("dlcourse.perceptron.perceptron_update",),
        statement=r"""
Write `perceptron_update(w, b, x, y, lr)` that shows the perceptron one example and returns the
new weights and bias:

$$
\hat y = \operatorname{step}(w \cdot x + b), \qquad
w \leftarrow w + \eta\,(y - \hat y)\,x, \qquad b \leftarrow b + \eta\,(y - \hat y),
$$

where $\operatorname{step}(z) = 1$ if $z > 0$ (strictly) and 0 otherwise, and $\eta$ is `lr`.

- `w`: weights, array of shape `(D,)`; `b`: bias, a float; `x`: one input, shape `(D,)`;
  `y`: its label, 0 or 1; `lr`: the learning rate.
- Return the pair `(new_w, new_b)`: an array of shape `(D,)` and a float.

Example: `perceptron_update(np.array([0.0, 0.0]), 0.0, np.array([1.0, 1.0]), 1, 0.1)` gives
`(array([0.1, 0.1]), 0.1)`: the perceptron did not fire but should have, so everything moves
towards `x`.
""",
        stub='''
def perceptron_update(w, b, x, y, lr):
    """One step of the perceptron learning rule; returns (new_w, new_b).

    w: (D,) weights, b: float bias, x: (D,) input, y: label 0 or 1,
    lr: learning rate.
    """
    # YOUR CODE HERE
    raise NotImplementedError("y_hat = step(w @ x + b); "
                              "move w and b by lr * (y - y_hat)")
''',
    ),
]


# ------------------------------------------------------------ the proof
# The reference solution of each exercise and its typical wrong answers, as the source a
# learner would paste into the answer cell (see CONTRIBUTING.md, tools/exercise.py prove).
SOLUTIONS = {
    "02.and_gate": '''
def and_gate(x1, x2):
    s = 0.5 * np.asarray(x1) + 0.5 * np.asarray(x2) - 0.7
    return (s > 0).astype(int)
''',
    "02.nand_gate": '''
def nand_gate(x1, x2):
    s = -0.5 * np.asarray(x1) - 0.5 * np.asarray(x2) + 0.7
    return (s > 0).astype(int)
''',
    "02.or_gate": '''
def or_gate(x1, x2):
    s = 0.5 * np.asarray(x1) + 0.5 * np.asarray(x2) - 0.2
    return (s > 0).astype(int)
''',
    "02.xor_gate": '''
def fire(x1, x2, w1, w2, b):
    return (w1 * np.asarray(x1) + w2 * np.asarray(x2) + b > 0).astype(int)

def xor_gate(x1, x2):
    s1 = fire(x1, x2, -0.5, -0.5, 0.7)   # NAND
    s2 = fire(x1, x2, 0.5, 0.5, -0.2)    # OR
    return fire(s1, s2, 0.5, 0.5, -0.7)  # AND
''',
    "02.perceptron_update": '''
def perceptron_update(w, b, x, y, lr):
    y_hat = 1 if w @ x + b > 0 else 0
    error = y - y_hat
    return w + lr * error * x, b + lr * error
''',
}

WRONG = {
    "02.and_gate": [
        # this is OR: the bar is too low
        "def and_gate(x1, x2):\n    return (0.5 * np.asarray(x1) + 0.5 * np.asarray(x2) - 0.2 > 0).astype(int)\n",
        # works for single numbers only (if/else on an array raises)
        "def and_gate(x1, x2):\n    if 0.5 * x1 + 0.5 * x2 - 0.7 > 0:\n        return 1\n    return 0\n",
        # returns the weighted sum, not the step of it
        "def and_gate(x1, x2):\n    return 0.5 * np.asarray(x1) + 0.5 * np.asarray(x2) - 0.7\n",
        # the rule "return 0/1 integers" broken: booleans
        "def and_gate(x1, x2):\n    return 0.5 * np.asarray(x1) + 0.5 * np.asarray(x2) - 0.7 > 0\n",
    ],
    "02.nand_gate": [
        # AND, not NAND
        "def nand_gate(x1, x2):\n    return (0.5 * np.asarray(x1) + 0.5 * np.asarray(x2) - 0.7 > 0).astype(int)\n",
        # flipped the weights but not the bias: never fires
        "def nand_gate(x1, x2):\n    return (-0.5 * np.asarray(x1) - 0.5 * np.asarray(x2) - 0.7 > 0).astype(int)\n",
    ],
    "02.or_gate": [
        # the AND bar: one input is not enough
        "def or_gate(x1, x2):\n    return (0.5 * np.asarray(x1) + 0.5 * np.asarray(x2) - 0.7 > 0).astype(int)\n",
        # no bias and >= 0: fires on (0, 0) too
        "def or_gate(x1, x2):\n    return (0.5 * np.asarray(x1) + 0.5 * np.asarray(x2) >= 0).astype(int)\n",
        # the rule "return 0/1 integers" broken: floats
        "def or_gate(x1, x2):\n"
        "    return (0.5 * np.asarray(x1) + 0.5 * np.asarray(x2) - 0.2 > 0).astype(float)\n",
    ],
    "02.xor_gate": [
        # layers swapped: OR(NAND, AND) is always 1
        "def f(a, b, w1, w2, c):\n    return (w1 * np.asarray(a) + w2 * np.asarray(b) + c > 0).astype(int)\n"
        "def xor_gate(x1, x2):\n    return f(f(x1, x2, -0.5, -0.5, 0.7), f(x1, x2, 0.5, 0.5, -0.7), 0.5, 0.5, -0.2)\n",
        # XNOR: NOR and AND fed to OR
        ("def f(a, b, w1, w2, c):\n    return (w1 * np.asarray(a) + w2 * np.asarray(b) + c > 0).astype(int)\n"
         "def xor_gate(x1, x2):\n    return f(f(x1, x2, -0.5, -0.5, 0.2), f(x1, x2, 0.5, 0.5, -0.7), 0.5, 0.5, -0.2)\n",
         "you built XNOR"),
        # the rule "build it from perceptrons, not ^" broken: fails on float inputs
        "def xor_gate(x1, x2):\n    return np.asarray(x1) ^ np.asarray(x2)\n",
        # the rule "return 0/1 integers" broken: the right network, but booleans
        "def f(a, b, w1, w2, c):\n    return w1 * np.asarray(a) + w2 * np.asarray(b) + c > 0\n"
        "def xor_gate(x1, x2):\n    return f(f(x1, x2, -0.5, -0.5, 0.7), f(x1, x2, 0.5, 0.5, -0.2), 0.5, 0.5, -0.7)\n",
        # a single perceptron: the best it can do is 3 rows of 4
        "def xor_gate(x1, x2):\n    return (0.5 * np.asarray(x1) + 0.5 * np.asarray(x2) - 0.2 > 0).astype(int)\n",
    ],
    "02.perceptron_update": [
        # error with the wrong sign
        "def perceptron_update(w, b, x, y, lr):\n    y_hat = 1 if w @ x + b > 0 else 0\n"
        "    return w + lr * (y_hat - y) * x, b + lr * (y_hat - y)\n",
        # >= instead of >: fires at a sum of exactly 0
        ("def perceptron_update(w, b, x, y, lr):\n    y_hat = 1 if w @ x + b >= 0 else 0\n"
         "    return w + lr * (y - y_hat) * x, b + lr * (y - y_hat)\n", "At a weighted sum of exactly 0"),
        # forgot to update the bias
        "def perceptron_update(w, b, x, y, lr):\n    y_hat = 1 if w @ x + b > 0 else 0\n"
        "    return w + lr * (y - y_hat) * x, b\n",
        # the rule "new_b is a float" broken: the bias comes back as an array of shape (1,)
        "def perceptron_update(w, b, x, y, lr):\n    y_hat = 1 if w @ x + b > 0 else 0\n"
        "    return w + lr * (y - y_hat) * x, np.array([b + lr * (y - y_hat)])\n",
        # updates even when right
        "def perceptron_update(w, b, x, y, lr):\n    return w + lr * y * x, b + lr * y\n",
    ],
}
