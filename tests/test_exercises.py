"""Every exercise of the course, now and later: its proof holds, its notebook cells are the
ones its definition gives, and ``check()`` and the batch grader agree on every answer of every
proof.

An exercise is defined once, in ``dlcourse/grading/chNN.py`` (see ``tools/exercise.py``): the
``Exercise`` (statement, stub, points, cases, judge, hints) and the module's ``SOLUTIONS[id]``
and ``WRONG[id]``, each wrong answer a source string or a tuple ``(source, hint)`` where
``hint`` is a distinctive substring of the hint text (or a tuple of several) that this wrong
answer must trigger. The proof (``tools/exercise.py prove``): the solution scores full marks
with no hint, the stub 0 ("not attempted"), every wrong answer less than full and exactly the
hints it names, every specific hint is named by some wrong answer, and there are at least two
wrong answers.
"""
from __future__ import annotations

import copy
import os
import shutil
import subprocess
import sys

import nbformat
import pytest

from conftest import ROOT, exercise_notebook, filled_notebook, load_solutions, load_tool
from dlcourse.grading import chapters, exercises
from dlcourse.grading.batch import grade
from dlcourse.grading.checker import grade_in_process

TOOL = load_tool("exercise")
ALL = exercises()
IDS = [ex.id for ex in ALL]


def _answer(ex, source):
    """Run a snippet as the learner's answer cell would (``np`` imported) and fetch ``ex.name``."""
    import numpy as np

    ns = {"__name__": "__main__", "np": np}
    exec(compile(source, f"<answer {ex.id}>", "exec"), ns)
    assert ex.name in ns, f"the snippet for {ex.id} does not define {ex.name!r}"
    return ns[ex.name]


def wrong_answers(ex) -> list[tuple[str, tuple[str, ...]]]:
    return TOOL.wrong_answers(load_solutions(ex.chapter), ex)


def test_there_are_exercises():
    assert len(exercises("01")) >= 4
    assert len(set(IDS)) == len(IDS), "exercise ids must be unique"


@pytest.mark.parametrize("ex", ALL, ids=IDS)
def test_exercise_is_proved(ex):
    """Solution full, stub 0, wrong answers less, each hint where it belongs."""
    problems = TOOL.prove(ex, load_solutions(ex.chapter))
    assert not problems, "\n".join(problems)


# --------------------------------------------------------------------------- notebook cells
def test_notebooks_agree_with_the_definitions():
    stale = TOOL.sync(ROOT, check=True)
    assert not stale, f"{stale} disagree with dlcourse/grading/chNN.py; run tools/exercise.py sync"


def _mutations():
    """Ways a notebook can disagree with its definition: (what, change(nb, cells of exercise 1))."""
    def meta(c):
        c.metadata["dlcourse"]["exercise"] = "02.other"

    def swap(nb, i):
        nb.cells[i:i + 3], nb.cells[i + 3:i + 6] = nb.cells[i + 3:i + 6], nb.cells[i:i + 3]

    return {
        "statement reworded": lambda nb, i: setattr(nb.cells[i], "source",
                                                    nb.cells[i].source + " More."),
        "points in the heading": lambda nb, i: setattr(
            nb.cells[i], "source", nb.cells[i].source.replace("(2 points)", "(3 points)", 1)),
        "stub edited": lambda nb, i: setattr(nb.cells[i + 1], "source", "def and_gate(x1, x2):"),
        "answer tag lost": lambda nb, i: nb.cells[i + 1].metadata.pop("tags"),
        "check tag lost": lambda nb, i: nb.cells[i + 2].metadata.pop("tags"),
        "exercise id in the metadata": lambda nb, i: meta(nb.cells[i + 1]),
        "check cell calls another id": lambda nb, i: setattr(
            nb.cells[i + 2], "source", 'check("02.or_gate", and_gate)'),
        "exercises in another order": swap,
        "an exercise missing": lambda nb, i: nb.cells.__delitem__(slice(i, i + 3)),
    }


def test_a_notebook_of_another_chapter_is_caught(tmp_path):
    root = tmp_path
    shutil.copytree(ROOT / "exercises", root / "exercises")
    path = root / "exercises" / "02_perceptrons.ipynb"
    nb = nbformat.read(str(path), as_version=4)
    nb.metadata["dlcourse"]["chapter"] = "03"
    nbformat.write(nb, str(path))
    assert TOOL.sync(root, check=True) == [path.relative_to(root)]
    TOOL.sync(root)
    assert nbformat.read(str(path), as_version=4).metadata["dlcourse"] == {"chapter": "02"}


@pytest.mark.parametrize("what", list(_mutations()))
def test_a_notebook_that_disagrees_is_caught(what):
    nb = nbformat.read(str(exercise_notebook("02")), as_version=4)
    exs = load_solutions("02").EXERCISES
    assert not TOOL.sync_notebook(copy.deepcopy(nb), exs), "the committed notebook is stale"
    i = next(k for k, c in enumerate(nb.cells)
             if (c.metadata.get("dlcourse") or {}).get("exercise") == "02.and_gate") - 1
    _mutations()[what](nb, i)
    before = nbformat.writes(nb)
    assert TOOL.sync_notebook(nb, exs), f"{what}: not noticed"
    assert nbformat.writes(nb) != before
    fixed = nbformat.read(str(exercise_notebook("02")), as_version=4)
    if what not in ("an exercise missing", "exercise id in the metadata"):  # (new cell ids)
        assert nbformat.writes(nb) == nbformat.writes(fixed), f"{what}: not put right"


# --------------------------------------------------------------------------- new and prove
def _copy_of_the_course(dest):
    """The parts ``tools/exercise.py`` reads and writes: the package, the notebooks, the tool."""
    for name in ("dlcourse", "exercises"):
        shutil.copytree(ROOT / name, dest / name,
                        ignore=shutil.ignore_patterns("__pycache__"))
    (dest / "tools").mkdir()
    for tool in (ROOT / "tools").glob("exercise*.py"):
        shutil.copy(tool, dest / "tools")
    return dest


def _tool(copy_root, *args):
    env = {**os.environ, "PYTHONPATH": str(copy_root)}
    return subprocess.run([sys.executable, str(copy_root / "tools" / "exercise.py"), *args],
                          cwd=copy_root, env=env, capture_output=True, text=True, timeout=300)


def test_new_scaffolds_an_exercise_that_proves(tmp_path):
    root = _copy_of_the_course(tmp_path)
    made = _tool(root, "new", "02.my_gate")
    assert made.returncode == 0, made.stdout + made.stderr
    nb = nbformat.read(str(root / "exercises" / "02_perceptrons.ipynb"), as_version=4)
    cells = nb.cells[-5:-2]
    assert cells[0].source.startswith("## TODO: a short title (1 point)\n\nWrite `my_gate(x)`")
    assert cells[1].metadata == {"dlcourse": {"exercise": "02.my_gate"}, "tags": ["answer"]}
    assert cells[2].source == 'check("02.my_gate", my_gate)'
    assert nb.cells[-1].source == 'score_table("02")'
    proved = _tool(root, "prove", "02.my_gate")
    assert proved.returncode == 0 and "02.my_gate proved" in proved.stdout, proved.stdout
    again = _tool(root, "new", "02.my_gate")
    assert again.returncode != 0 and "already exists" in again.stderr
    # the real files are untouched
    assert "02.my_gate" not in (ROOT / "dlcourse" / "grading" / "ch02.py").read_text()


def test_prove_names_what_fails(tmp_path):
    root = _copy_of_the_course(tmp_path)
    assert _tool(root, "new", "02.my_gate").returncode == 0
    module = root / "dlcourse" / "grading" / "ch02.py"
    source = module.read_text()
    # the second wrong answer becomes right; the solution loses its factor
    source = source.replace("return 3.0 * np.asarray(x, dtype=float)",
                            "return 2.0 * np.asarray(x, dtype=float)")
    source = source.replace("def my_gate(x):\n    return 2.0 * np.asarray(x, dtype=float)\n\'\'\'",
                            "def my_gate(x):\n    return np.asarray(x, dtype=float)\n\'\'\'")
    module.write_text(source)
    proved = _tool(root, "prove", "02.my_gate")
    assert proved.returncode == 1, proved.stdout + proved.stderr
    assert "02.my_gate: wrong answer #1 got full marks" in proved.stdout, proved.stdout
    assert "02.my_gate: the solution got 0 of 1" in proved.stdout, proved.stdout
    # a statement edited in the definition leaves the notebook stale until it is synced
    module.write_text(module.read_text().replace("TODO say what it returns", "It doubles x"))
    stale = _tool(root, "sync", "--check")
    assert stale.returncode == 1 and "02_perceptrons.ipynb" in stale.stderr, stale.stderr
    assert _tool(root, "sync").returncode == 0
    assert _tool(root, "sync", "--check").returncode == 0


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


def test_new_starts_a_chapter_with_its_notebook(tmp_path):
    root = _copy_of_the_course(tmp_path)
    for ex_id in ("12.first_one", "12.second"):
        made = _tool(root, "new", ex_id)
        assert made.returncode == 0, made.stdout + made.stderr
    nb = nbformat.read(str(root / "exercises" / "12_exercises.ipynb"), as_version=4)
    answers = [c.metadata["dlcourse"]["exercise"] for c in nb.cells
               if "answer" in c.metadata.get("tags", [])]
    assert answers == ["12.first_one", "12.second"] and nb.metadata["dlcourse"] == {"chapter": "12"}
    proved = _tool(root, "prove", "12")
    assert proved.returncode == 0, proved.stdout
    assert "12.first_one, 12.second proved" in proved.stdout, proved.stdout
