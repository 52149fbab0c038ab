"""Chapter 2 exercises: logic gates as perceptrons, XOR by composition, the learning rule."""
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


def _gate(name: str, fn, truth: str, forbidden: str, extra_hint: str) -> Exercise:
    return Exercise(
        id=f"02.{name}", title=f"{name.split('_')[0].upper()} as one perceptron", name=name, points=2,
        cases=_gate_cases, reference=fn, judge=_judge_bits,
        hint=f"Truth table: {truth}. Pick w1, w2, b so that w1*x1 + w2*x2 + b > 0 exactly on the "
             f"rows that give 1. {extra_hint} {_VECTOR_HINT}",
        forbidden=(forbidden,),
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
          "dlcourse.perceptron.and_gate", "Only (1, 1) may pass: each input alone must stay below zero."),
    _gate("nand_gate", perceptron.nand_gate, "0,0->1  0,1->1  1,0->1  1,1->0",
          "dlcourse.perceptron.nand_gate", "NAND is AND with every sign (w1, w2 and b) flipped."),
    _gate("or_gate", perceptron.or_gate, "0,0->0  0,1->1  1,0->1  1,1->1",
          "dlcourse.perceptron.or_gate", "One input alone must already clear the bar."),
    Exercise(
        id="02.xor_gate", title="XOR from NAND, OR and AND", name="xor_gate", points=3,
        cases=_gate_cases, reference=perceptron.xor_gate, judge=_judge_bits,
        hint="Truth table: 0,0->0  0,1->1  1,0->1  1,1->0. First layer: s1 = NAND(x1, x2) and "
             "s2 = OR(x1, x2); second layer: AND(s1, s2). " + _VECTOR_HINT,
        hints=[Hint(lambda got, exp, case: np.size(exp) > 1 and np.array_equal(np.asarray(got), 1 - np.asarray(exp)),
                    "Every output is flipped: you built XNOR. Check which gates go in which layer.")],
        forbidden=("dlcourse.perceptron.xor_gate", "numpy.logical_xor", "numpy.bitwise_xor"),
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
    ),
]
