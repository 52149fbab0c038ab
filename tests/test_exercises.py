"""Every exercise of the course, now and later: the solution scores full marks, the stub scores 0,
every typical wrong answer scores less than full, every specific hint is proved, and ``check()``
and the batch grader agree on every answer of every proof file.

Proof files (``tests/solutions/chNN.py``): ``SOLUTIONS[id]`` is the reference answer's source;
``WRONG[id]`` lists typical wrong answers, each a source string or a tuple ``(source, hint)``
where ``hint`` is a distinctive substring of the hint text (or a tuple of several) that this
wrong answer must trigger. A hint appears only when the grader recognised that very mistake:
every specific :class:`~dlcourse.grading.spec.Hint` of an exercise is named by at least one
wrong answer whose feedback shows it, and no answer (the solution included) shows a hint it
does not name. An exercise with no solution, fewer than two wrong answers or no answer cell
fails here.
"""
from __future__ import annotations

import numpy as np
import nbformat
import pytest

from conftest import exercise_notebook, filled_notebook, load_solutions
from dlcourse.grading import chapters, exercises
from dlcourse.grading.batch import grade
from dlcourse.grading.checker import grade_in_process

ALL = exercises()
IDS = [ex.id for ex in ALL]


def _answer(ex, source):
    """Run a snippet as the learner's answer cell would (``np`` imported) and fetch ``ex.name``."""
    if isinstance(source, tuple):  # (source, hint text(s) it must trigger), see CONTRIBUTING
        source = source[0]
    ns = {"__name__": "__main__", "np": np}
    exec(compile(source, f"<answer {ex.id}>", "exec"), ns)
    assert ex.name in ns, f"the snippet for {ex.id} does not define {ex.name!r}"
    return ns[ex.name]


def wrong_answers(ex) -> list[tuple[str, tuple[str, ...]]]:
    """``(source, names)`` for every wrong answer of ``ex``: ``names`` are the hint substrings
    that answer must trigger (empty for a plain source string)."""
    sol = load_solutions(ex.chapter)
    out = []
    for entry in getattr(sol, "WRONG", {}).get(ex.id, []) if sol else []:
        if isinstance(entry, str):
            out.append((entry, ()))
        else:
            assert isinstance(entry, tuple) and len(entry) == 2 and isinstance(entry[0], str), (
                f"a WRONG entry of {ex.id} is neither a source string nor (source, hint)")
            names = (entry[1],) if isinstance(entry[1], str) else tuple(entry[1])
            out.append((entry[0], names))
    return out


def shown_hints(res) -> set[str]:
    """The hint texts a learner sees for this result."""
    return {v.hint for v in res.verdicts if v.hint}


def _stub_source(ex):
    path = exercise_notebook(ex.chapter)
    assert path is not None, f"no exercises/{ex.chapter}_*.ipynb for {ex.id}"
    nb = nbformat.read(str(path), as_version=4)
    for c in nb.cells:
        meta = c.get("metadata", {})
        if (meta.get("dlcourse") or {}).get("exercise") == ex.id:
            assert "answer" in meta.get("tags", []), f"the answer cell of {ex.id} is not tagged 'answer'"
            return c.source
    pytest.fail(f"{path.name} has no answer cell for {ex.id}")


def test_there_are_exercises():
    assert len(exercises("01")) >= 4
    assert len(set(IDS)) == len(IDS), "exercise ids must be unique"


@pytest.mark.parametrize("ex", ALL, ids=IDS)
def test_solution_scores_full(ex):
    sol = load_solutions(ex.chapter)
    assert sol is not None and ex.id in getattr(sol, "SOLUTIONS", {}), f"no solution for {ex.id}"
    res = grade_in_process(ex, _answer(ex, sol.SOLUTIONS[ex.id]))
    assert res.status == "passed" and res.score == ex.points, res.feedback()
    assert not shown_hints(res)


@pytest.mark.parametrize("ex", ALL, ids=IDS)
def test_stub_scores_zero(ex):
    src = _stub_source(ex)
    assert "raise NotImplementedError" in src or ex.kind == "value"
    res = grade_in_process(ex, _answer(ex, src))
    assert res.score == 0 and res.status == "not_attempted", res.feedback()


@pytest.mark.parametrize("ex", ALL, ids=IDS)
def test_wrong_answers_score_less(ex):
    wrong = wrong_answers(ex)
    assert len(wrong) >= 2, f"{ex.id} needs at least two typical wrong answers in tests/solutions"
    for i, (src, _) in enumerate(wrong):
        res = grade_in_process(ex, _answer(ex, src))
        assert res.score < ex.points, f"wrong answer #{i} of {ex.id} scored full marks"


@pytest.mark.parametrize("ex", ALL, ids=IDS)
def test_each_wrong_answer_shows_exactly_the_hints_it_names(ex):
    """A hint appears only when the grader recognised that mistake (issue 11 §3)."""
    texts = [h.text for h in ex.hints]
    for i, (src, names) in enumerate(wrong_answers(ex)):
        for n in names:
            assert any(n in t for t in texts), f"{ex.id} wrong #{i} names {n!r}, which no hint says"
        shown = shown_hints(grade_in_process(ex, _answer(ex, src)))
        for n in names:
            assert any(n in t for t in shown), (
                f"{ex.id} wrong #{i} should show the hint {n!r}; it shows {sorted(shown)}")
        for t in shown:
            assert any(n in t for n in names), (
                f"{ex.id} wrong #{i} shows a hint it does not name: {t!r}")


@pytest.mark.parametrize("ex", ALL, ids=IDS)
def test_every_hint_is_proved_by_a_wrong_answer(ex):
    named = [n for _, names in wrong_answers(ex) for n in names]
    unproved = [h.text for h in ex.hints if not any(n in h.text for n in named)]
    assert not unproved, (f"{ex.id}: no WRONG entry of tests/solutions/ch{ex.chapter}.py names "
                          f"these hints (add (source, 'hint substring') tuples): {unproved}")


# --------------------------------------------------------------------------- batch grader
def _answer_sets(ch):
    """Answer set 0 is every solution; set i >= 1 holds every exercise's wrong answer #i-1."""
    sol = load_solutions(ch)
    sets = [dict(sol.SOLUTIONS)]
    for ex in exercises(ch):
        for i, (src, _) in enumerate(wrong_answers(ex)):
            while len(sets) < i + 2:
                sets.append({})
            sets[i + 1][ex.id] = src
    return sets


@pytest.fixture(scope="module")
def batch_rows(tmp_path_factory):
    """One batch run: per chapter, one notebook per answer set (the exercise notebook with
    those answers in its answer cells)."""
    folder = tmp_path_factory.mktemp("answers")
    subs, plan = [], {}
    for ch in chapters():
        if exercise_notebook(ch) is None or load_solutions(ch) is None:
            continue
        for i, answers in enumerate(_answer_sets(ch)):
            path = filled_notebook(ch, folder / f"{ch}_set{i}.ipynb", answers)
            subs.append(path)
            plan[str(path)] = (ch, answers)
    rows = grade(subs, folder / "grades.csv", jobs=2, timeout=120)
    return {(r.submission, r.exercise): r for r in rows}, plan


@pytest.mark.slow
@pytest.mark.parametrize("chapter", chapters())
def test_batch_grader_gives_solutions_full_marks(batch_rows, chapter):
    rows, plan = batch_rows
    sub = next(s for s, (ch, _) in plan.items() if ch == chapter and s.endswith("_set0.ipynb"))
    mine = {ex_id: r for (s, ex_id), r in rows.items() if s == sub}
    assert sorted(mine) == sorted(ex.id for ex in exercises(chapter))
    bad = {k: (r.status, r.feedback) for k, r in mine.items() if r.status != "passed" or r.score != r.max_score}
    assert not bad, bad


@pytest.mark.slow
@pytest.mark.parametrize("chapter", chapters())
def test_check_and_batch_grader_agree_on_every_proof_answer(batch_rows, chapter):
    """The same score and status from ``check()`` and from the batch grader (issue 13)."""
    rows, plan = batch_rows
    by_id = {ex.id: ex for ex in exercises(chapter)}
    differ = []
    for sub, (ch, answers) in plan.items():
        if ch != chapter:
            continue
        for ex_id, src in answers.items():
            res = grade_in_process(by_id[ex_id], _answer(by_id[ex_id], src))
            r = rows[(sub, ex_id)]
            if (r.status, round(r.score, 3)) != (res.status, round(res.score, 3)):
                differ.append(f"{ex_id} in {sub.rsplit('/', 1)[-1]}: check {res.status} {res.score:g}, "
                              f"batch {r.status} {r.score:g} ({r.feedback[:120]})")
    assert not differ, "\n".join(differ)
