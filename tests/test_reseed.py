"""``--seed N`` (dlcourse/grading/reseed.py) judges the fixed cases together with cases drawn from
N. For EVERY exercise, under several seeds: (a) the reference solution gets full marks; (b) every
typical wrong answer (WRONG in chNN.py) stays below full marks, as without --seed; (c) an answer
that memorised the fixed cases' outputs (a lookup table from their inputs, falling back to the
first output) does not get full marks: it passes the fixed cases and fails drawn ones, "partial".
Value exercises are not redrawn (there are no inputs), so (b) and (c) hold for them as without.

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
from dlcourse.grading.reseed import EDGE_HINTS, GENERATORS, drawn, redraw, reseed

ALL = exercises()
IDS = [ex.id for ex in ALL]
FUNCTIONS = [ex for ex in ALL if ex.kind == "function"]
SEEDS = (1, 7, 2024)
DRAWS = range(1, 31)  # the seeds over which EDGE_HINTS is kept exact


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
    n = len(fixed.verdicts)
    bad = [v.label for v in res.verdicts[:n] if not v.ok]
    assert not bad and res.status == "partial", (
        f"{ex.id}, seed {seed}: expected the memoriser 'partial' (it passes the fixed cases, "
        f"as the teacher guide says); got {res.status}, failing fixed case(s) {bad}")


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


def test_the_fixed_cases_are_judged_with_the_drawn_ones():
    for ex in FUNCTIONS:
        fixed, both = list(ex.cases()), reseed(ex, 11).cases()
        n = len(fixed)
        assert len(both) == 2 * n, f"{ex.id}: expected {n} fixed + {n} drawn; got {len(both)}"
        assert encoded_inputs(both[:n]) == encoded_inputs(fixed), f"{ex.id}: fixed cases lost"
        assert [c.label for c in both[:n]] == [c.label for c in fixed], ex.id
        assert reseed(ex, 11).time_limit == 2 * ex.time_limit, f"{ex.id}: time limit"


def test_labels_say_the_inputs_were_drawn():
    for ex in FUNCTIONS:
        n = len(list(ex.cases()))
        for case in reseed(ex, 11).cases()[n:]:
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
def test_hints_show_under_a_seed(ex, i, source, names):
    """Each hint a wrong answer of the proof shows on the fixed cases shows under --seed too
    (the fixed edge cases are judged with the drawn ones): none is excused."""
    for seed in SEEDS:
        res = grade_in_process(reseed(ex, seed), _answer(ex, source))
        seen = [v.hint for v in res.verdicts if v.hint]
        lost = [n for n in names if not any(n in t for t in seen)]
        assert not lost, (f"{ex.id}, wrong answer #{i}, seed {seed}: hint(s) {lost} shown on "
                          f"the fixed cases but not under --seed ({res.status}); hints "
                          f"seen: {seen}")


def _listed(ex_id, name):
    return any(name in e or e in name for e in EDGE_HINTS.get(ex_id, ()))


@pytest.mark.parametrize("ex", sorted({ex.id: ex for ex, *_ in NAMED}.values(),
                                      key=lambda ex: ex.id), ids=lambda ex: ex.id)
def test_edge_hints_are_the_hints_drawn_cases_alone_can_miss(ex):
    """reseed.EDGE_HINTS, exact over 30 seeds: a hint of the proof that the drawn cases alone
    (reseed.drawn) miss on some seed is listed, and a listed one is missed on some seed."""
    missed: dict[str, list[int]] = {}
    cases = {seed: drawn(ex, seed) for seed in DRAWS}   # drawn once, judged for every answer
    for source, names in load_tool("exercise").wrong_answers(load_solutions(ex.chapter), ex):
        answer = _answer(ex, source)
        for seed in DRAWS:
            res = grade_in_process(cases[seed], answer)
            seen = [v.hint for v in res.verdicts if v.hint]
            for n in names:
                missed.setdefault(n, [])
                if not any(n in t for t in seen):
                    missed[n].append(seed)
    unlisted = {n: sorted(set(s))[:5] for n, s in missed.items() if s and not _listed(ex.id, n)}
    assert not unlisted, (f"{ex.id}: hint(s) the drawn cases alone miss (on these seeds) but "
                          f"reseed.EDGE_HINTS does not list: {unlisted}")
    for e in EDGE_HINTS.get(ex.id, ()):
        named = [n for n in missed if n in e or e in n]
        assert any(missed[n] for n in named), (
            f"EDGE_HINTS[{ex.id!r}] lists {e!r}, but the drawn cases alone show it on every "
            f"one of seeds 1-30 (wrong answers naming it: {named}): take it off the list")


def test_edge_hints_name_real_hints():
    for ex_id, texts in EDGE_HINTS.items():
        hints = [h.text for h in next(ex for ex in ALL if ex.id == ex_id).hints]
        for t in texts:
            assert any(t in h for h in hints), f"EDGE_HINTS[{ex_id!r}]: no hint says {t!r}"


WRONG = [(ex, i, src) for ex in ALL
         for i, (src, _) in enumerate(load_tool("exercise").wrong_answers(
             load_solutions(ex.chapter), ex))]


@pytest.mark.parametrize("ex, i, source", WRONG,
                         ids=[f"{ex.id}-wrong{i}" for ex, i, _ in WRONG])
def test_every_wrong_answer_stays_below_full_marks_under_a_seed(ex, i, source):
    """(b): a typical wrong answer (WRONG in chNN.py) that loses marks on the fixed cases loses
    marks under every seed too: the fixed edge cases (|x| near 1000, a probability of 0, ties,
    equalities) are judged with the drawn ones, not replaced by them."""
    fixed = grade_in_process(ex, _answer(ex, source))
    assert fixed.score < ex.points, f"{ex.id}, wrong answer #{i} passes the fixed cases"
    for seed in SEEDS:
        res = grade_in_process(reseed(ex, seed), _answer(ex, source))
        assert res.score < ex.points, (
            f"{ex.id}, wrong answer #{i}, seed {seed}: expected less than full marks (as "
            f"without --seed: {fixed.score}/{ex.points}, {fixed.status}); got "
            f"{res.score}/{ex.points} ({res.status}) on the cases --seed judges")
