"""Every exercise of the course, now and later: the solution scores full marks, the stub scores 0,
every typical wrong answer scores less than full, through ``check`` and through the batch grader.

An exercise with no solution, fewer than two wrong answers or no answer cell fails here.
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
    ns = {"__name__": "__main__", "np": np}
    exec(compile(source, f"<answer {ex.id}>", "exec"), ns)
    assert ex.name in ns, f"the snippet for {ex.id} does not define {ex.name!r}"
    return ns[ex.name]


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


@pytest.mark.parametrize("ex", ALL, ids=IDS)
def test_stub_scores_zero(ex):
    src = _stub_source(ex)
    assert "raise NotImplementedError" in src or ex.kind == "value"
    res = grade_in_process(ex, _answer(ex, src))
    assert res.score == 0 and res.status == "not_attempted", res.feedback()


@pytest.mark.parametrize("ex", ALL, ids=IDS)
def test_wrong_answers_score_less(ex):
    sol = load_solutions(ex.chapter)
    wrong = getattr(sol, "WRONG", {}).get(ex.id, []) if sol else []
    assert len(wrong) >= 2, f"{ex.id} needs at least two typical wrong answers in tests/solutions"
    for i, src in enumerate(wrong):
        res = grade_in_process(ex, _answer(ex, src))
        assert res.score < ex.points, f"wrong answer #{i} of {ex.id} scored full marks"


@pytest.fixture(scope="module")
def batch_rows(tmp_path_factory):
    """One batch run: every chapter's exercise notebook with all its solutions filled in."""
    folder = tmp_path_factory.mktemp("solved")
    subs = []
    for ch in chapters():
        sol = load_solutions(ch)
        if exercise_notebook(ch) is None or sol is None:
            continue
        subs.append(filled_notebook(ch, folder / exercise_notebook(ch).name, sol.SOLUTIONS))
    rows = grade(subs, folder / "grades.csv", jobs=2, timeout=120)
    return {(r.submission, r.exercise): r for r in rows}, {ch: s for ch, s in zip(chapters(), subs)}


@pytest.mark.slow
@pytest.mark.parametrize("chapter", chapters())
def test_batch_grader_gives_solutions_full_marks(batch_rows, chapter):
    rows, subs = batch_rows
    exs = exercises(chapter)
    mine = {ex_id: r for (sub, ex_id), r in rows.items() if sub.endswith(f"/{exercise_notebook(chapter).name}")}
    assert sorted(mine) == sorted(ex.id for ex in exs)
    bad = {k: (r.status, r.feedback) for k, r in mine.items() if r.status != "passed" or r.score != r.max_score}
    assert not bad, bad
