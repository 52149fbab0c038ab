"""``--seed N`` (dlcourse/grading/reseed.py): for EVERY exercise, the reference solution gets
full marks on the drawn cases under several seeds, and an answer that memorised the fixed cases'
outputs (a lookup table from their inputs, falling back to the first output) does not.

In-process (``grade_in_process``: the same call, encoding and judge as the batch grader), so
no kernel starts; the batch grader's use of the seed is tested in tests/test_grade_options.py.
"""
from __future__ import annotations

import copy

import numpy as np
import pytest

from conftest import load_solutions, load_tool
from dlcourse.grading import exercises
from dlcourse.grading.checker import grade_in_process
from dlcourse.grading.judge import encoded_inputs, expected_values
from dlcourse.grading.reseed import EDGE_HINTS, GENERATORS, redraw, reseed

ALL = exercises()
IDS = [ex.id for ex in ALL]
FUNCTIONS = [ex for ex in ALL if ex.kind == "function"]
SEEDS = (1, 7, 2024)


def _answer(ex, source):
    if isinstance(source, tuple):
        source = source[0]
    ns = {"__name__": "__main__", "np": np}
    exec(compile(source, f"<answer {ex.id}>", "exec"), ns)
    return ns[ex.name]


def _key(value):
    """A hashable fingerprint of plain inputs (no course code: the grader would call it reuse)."""
    if isinstance(value, np.ndarray):
        return ("nd", value.dtype.str, value.shape, value.tobytes())
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, tuple(_key(v) for v in value))
    if isinstance(value, dict):
        return ("dict", tuple(sorted((repr(k), _key(v)) for k, v in value.items())))
    return ("x", repr(value))


def memoriser(ex):
    """An answer that knows the fixed cases' outputs by heart, and nothing else."""
    cases, expected = expected_values(ex)
    table = {_key((tuple(c.args), dict(c.kwargs))): exp for c, exp in zip(cases, expected)}

    def answer(*args, **kwargs):
        return copy.deepcopy(table.get(_key((args, kwargs)), expected[0]))

    return answer


@pytest.mark.parametrize("ex", ALL, ids=IDS)
@pytest.mark.parametrize("seed", SEEDS)
def test_the_solution_gets_full_marks_on_drawn_cases(ex, seed):
    sol = load_solutions(ex.chapter)
    assert sol is not None and ex.id in sol.SOLUTIONS, f"no solution for {ex.id}"
    drawn = reseed(ex, seed)
    res = grade_in_process(drawn, _answer(ex, sol.SOLUTIONS[ex.id]))
    assert res.status == "passed" and res.score == ex.points, (
        f"{ex.id}, seed {seed}: the reference solution got {res.score}/{ex.points} on the "
        f"drawn cases: {res.feedback()}")


@pytest.mark.parametrize("ex", FUNCTIONS, ids=[ex.id for ex in FUNCTIONS])
@pytest.mark.parametrize("seed", SEEDS)
def test_a_memorising_answer_fails_on_drawn_cases(ex, seed):
    fixed = grade_in_process(ex, memoriser(ex))
    assert fixed.status == "passed", f"the memoriser of {ex.id} should pass the fixed cases"
    res = grade_in_process(reseed(ex, seed), memoriser(ex))
    assert res.score < ex.points, (
        f"{ex.id}, seed {seed}: an answer that memorised the fixed outputs still got "
        f"{res.score}/{ex.points} on the drawn cases (are its inputs redrawn?)")


def test_value_exercises_are_not_redrawn():
    for ex in ALL:
        if ex.kind == "value":
            assert reseed(ex, 3) is ex, ex.id


def test_same_seed_same_cases_other_seed_other_cases():
    for ex in FUNCTIONS:
        a = encoded_inputs(reseed(ex, 5).cases())
        assert a == encoded_inputs(reseed(ex, 5).cases()), f"{ex.id}: seed 5 is not repeatable"
        assert a != encoded_inputs(reseed(ex, 6).cases()), f"{ex.id}: seeds 5 and 6 agree"
    assert reseed(FUNCTIONS[0], None) is FUNCTIONS[0]


def test_labels_say_the_inputs_were_drawn():
    for ex in FUNCTIONS:
        for case in reseed(ex, 11).cases():
            assert "seed 11" in case.label, f"{ex.id}: label {case.label!r}"


def test_generic_redraw_keeps_shape_dtype_and_range():
    rng = np.random.default_rng(0)
    x = np.linspace(-3.0, 5.0, 12).reshape(3, 4)
    new = redraw(x, rng)
    assert new.shape == x.shape and new.dtype == x.dtype and not np.allclose(new, x)
    assert new.min() >= -3.0 and new.max() <= 5.0
    ints = redraw(np.array([0, 4, 2, 9]), rng)
    assert ints.dtype.kind == "i" and ints.min() >= 0 and ints.max() <= 9
    mask = redraw(np.array([0.0, 1.0, 1.0, 0.0, 1.0]), rng)
    assert set(np.unique(mask)) <= {0.0, 1.0}
    ones = np.ones(4)
    assert np.array_equal(redraw(ones, rng), ones)  # structure (a gamma of ones) is kept
    assert redraw((1, 0.5, "a"), rng) == (1, 0.5, "a")  # Python numbers are kept


def test_every_generator_names_an_existing_exercise():
    assert set(GENERATORS) <= set(IDS), set(GENERATORS) - set(IDS)


NAMED = [(ex, i, src, names) for ex in FUNCTIONS
         for i, (src, names) in enumerate(load_tool("exercise").wrong_answers(
             load_solutions(ex.chapter), ex)) if names]


@pytest.mark.parametrize("ex, i, source, names", NAMED,
                         ids=[f"{ex.id}-wrong{i}" for ex, i, _, _ in NAMED])
def test_hints_still_show_on_drawn_cases(ex, i, source, names):
    """Each hint a wrong answer of the proof shows on the fixed cases shows on drawn ones too,
    unless reseed.EDGE_HINTS lists it (a mistake only an edge case shows, documented there)."""
    excused = EDGE_HINTS.get(ex.id, ())
    for seed in SEEDS:
        res = grade_in_process(reseed(ex, seed), _answer(ex, source))
        seen = [v.hint for v in res.verdicts if v.hint]
        lost = [n for n in names if not any(n in t for t in seen)
                and not any(n in e or e in n for e in excused)]
        assert not lost, (f"{ex.id}, wrong answer #{i}, seed {seed}: hint(s) {lost} shown on "
                          f"the fixed cases but not on the drawn ones ({res.status}); hints "
                          f"seen: {seen}")


def test_edge_hints_name_real_hints():
    for ex_id, texts in EDGE_HINTS.items():
        hints = [h.text for h in next(ex for ex in ALL if ex.id == ex_id).hints]
        for t in texts:
            assert any(t in h for h in hints), f"EDGE_HINTS[{ex_id!r}]: no hint says {t!r}"
