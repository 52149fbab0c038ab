"""Exercises from their one source: write the notebook cells, scaffold a new one, prove one.

Each exercise is defined once, in its chapter's module ``dlcourse/grading/chNN.py``: the
``Exercise(...)`` entry of ``EXERCISES`` holds its title, points, cases, reference, judge and
hints *and* what the notebook shows (``statement``, ``stub``, ``heading``); the module's
``SOLUTIONS[id]`` and ``WRONG[id]`` hold the reference solution and the typical wrong answers
(the proof). This script writes, for every exercise in order, the three cells of
``exercises/NN_*.ipynb``: the statement (``## <heading or title> (<points> points)``), the answer
cell (the stub, tagged ``answer``, metadata ``{"dlcourse": {"exercise": id}}``) and the check
cell (``check("<id>", <name>)``, tagged ``check``). The cells above the first exercise (intro,
Colab cell, imports) and below the last (the score table) are left alone; a cell keeps its id.

Usage::

    python tools/exercise.py sync           # write the exercise cells of every notebook
    python tools/exercise.py sync --check   # exit 1 if a notebook disagrees with its exercises
    python tools/exercise.py new 02.my_gate # scaffold an exercise (proves as it is), sync
    python tools/exercise.py prove 02.my_gate   # sync, then its proof alone (exit 1: problems)

The build script runs ``sync``; ``tests/test_exercises.py`` checks that nothing is stale.
"""
from __future__ import annotations

import argparse
import importlib
import json
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # the dlcourse of this checkout (and of a copy of it)
    sys.path.insert(0, str(ROOT))

# --------------------------------------------------------------------------- the cells
def heading(ex) -> str:
    """``## <heading or title> (<points> points)``: the first line of the statement cell."""
    unit = "point" if ex.points == 1 else "points"
    return f"## {ex.heading or ex.title} ({ex.points} {unit})"


def exercise_cells(ex, ids: tuple[str, str, str] | None = None) -> list:
    """The statement, answer and check cells of ``ex`` (with these cell ids, or new ones)."""
    base = ex.id.replace(".", "-")
    ids = ids or (f"{base}-statement", f"{base}-answer", f"{base}-check")
    statement = nbformat.v4.new_markdown_cell(f"{heading(ex)}\n\n{ex.statement}")
    answer = nbformat.v4.new_code_cell(
        ex.stub, metadata={"dlcourse": {"exercise": ex.id}, "tags": ["answer"]})
    check = nbformat.v4.new_code_cell(f'check("{ex.id}", {ex.name})',
                                      metadata={"tags": ["check"]})
    for cell, cell_id in zip((statement, answer, check), ids):
        cell["id"] = cell_id
    return [statement, answer, check]


def _exercise_of(cell) -> str | None:
    return (cell.get("metadata", {}).get("dlcourse") or {}).get("exercise")


def _region(nb, path) -> tuple[int, int, dict[str, tuple[str, str, str]]]:
    """``(start, end, ids)``: the cells ``nb.cells[start:end]`` are the exercises' triples, and
    ``ids[exercise id]`` their cell ids. With no exercise yet, the empty region sits above the
    score table (``## Your score``), else at the end."""
    cells = nb.cells
    answers = [i for i, c in enumerate(cells) if _exercise_of(c)]
    if not answers:
        at = next((i for i, c in enumerate(cells) if c.cell_type == "markdown"
                   and c.source.startswith("## Your score")), len(cells))
        return at, at, {}
    start, end = answers[0] - 1, answers[-1] + 2
    if start < 0 or end > len(cells) or any(b - a != 3 for a, b in zip(answers, answers[1:])):
        raise SystemExit(f"exercise: {path}: each answer cell must have its statement cell just "
                         f"above and its check cell just below, and nothing else between "
                         f"exercises; move other cells above the first or below the last")
    ids = {_exercise_of(cells[i]): tuple(cells[j].get("id", "") for j in (i - 1, i, i + 1))
           for i in answers}
    return start, end, ids


def sync_notebook(nb, exercises, path="notebook") -> bool:
    """Make ``nb``'s exercise cells those of ``exercises``; True if ``nb`` changed."""
    start, end, ids = _region(nb, path)
    new = [c for ex in exercises for c in exercise_cells(ex, ids.get(ex.id))]
    if json.dumps(new, sort_keys=True) == json.dumps(nb.cells[start:end], sort_keys=True):
        return False
    nb.cells[start:end] = new
    return True


# --------------------------------------------------------------------------- files
def chapter_module(chapter: str):
    """``dlcourse.grading.chNN``, freshly imported (a new exercise shows up)."""
    name = f"dlcourse.grading.ch{chapter}"
    importlib.invalidate_caches()
    if name in sys.modules:
        return importlib.reload(sys.modules[name])
    return importlib.import_module(name)


def notebook_path(chapter: str, root: Path = ROOT) -> Path | None:
    found = sorted((root / "exercises").glob(f"{chapter}_*.ipynb"))
    return found[0] if found else None


def sync(root: Path = ROOT, check: bool = False) -> list[Path]:
    """Bring every exercise notebook in line with its chapter module; the stale ones."""
    from dlcourse.grading import chapters

    stale = []
    for ch in chapters():
        path = notebook_path(ch, root)
        if path is None:
            raise SystemExit(f"exercise: chapter {ch} has exercises but no exercises/{ch}_*.ipynb")
        nb = nbformat.read(str(path), as_version=4)
        changed = (nb.metadata.get("dlcourse") or {}).get("chapter") != ch
        nb.metadata.setdefault("dlcourse", {})["chapter"] = ch
        if sync_notebook(nb, chapter_module(ch).EXERCISES, path.relative_to(root)) or changed:
            stale.append(path.relative_to(root))
            if not check:
                nbformat.write(nb, str(path))
    return stale


# --------------------------------------------------------------------------- the proof
def wrong_answers(module, ex) -> list[tuple[str, tuple[str, ...]]]:
    """``(source, hints)`` per wrong answer of ``ex``: the hint substrings it must show."""
    out = []
    for entry in getattr(module, "WRONG", {}).get(ex.id, []):
        if isinstance(entry, str):
            out.append((entry, ()))
        else:
            source, names = entry
            out.append((source, (names,) if isinstance(names, str) else tuple(names)))
    return out


def run_answer(ex, source: str):
    """Run ``source`` as the answer cell would (``np`` imported); grade ``ex.name`` with check's
    own pipeline."""
    import numpy as np

    from dlcourse.grading.checker import grade_in_process

    ns = {"__name__": "__main__", "np": np}
    exec(compile(source, f"<answer {ex.id}>", "exec"), ns)
    if ex.name not in ns:
        raise AssertionError(f"the answer for {ex.id} does not define {ex.name!r}")
    return grade_in_process(ex, ns[ex.name])


def prove(ex, module) -> list[str]:
    """What is wrong with ``ex``'s proof (empty: proved). The solution gets full marks and no
    hint, the stub 0 ("not attempted"), each wrong answer less than full and exactly the hints
    it names; every specific hint is named by some wrong answer."""
    problems = []
    shown = lambda res: {v.hint for v in res.verdicts if v.hint}  # noqa: E731
    solution = getattr(module, "SOLUTIONS", {}).get(ex.id)
    if solution is None:
        problems.append(f"{ex.id}: no SOLUTIONS entry")
    else:
        res = run_answer(ex, solution)
        if res.status != "passed" or res.score != ex.points or shown(res):
            problems.append(f"{ex.id}: the solution got {res.score:g} of {ex.points} "
                            f"({res.status}), hints {sorted(shown(res))}: {res.feedback()}")
    res = run_answer(ex, ex.stub)
    if res.score != 0 or res.status != "not_attempted":
        problems.append(f"{ex.id}: the stub got {res.score:g} ({res.status}); expected 0, "
                        f"not_attempted")
    wrong = wrong_answers(module, ex)
    if len(wrong) < 2:
        problems.append(f"{ex.id}: {len(wrong)} wrong answer(s) in WRONG; at least 2 expected")
    texts = [h.text for h in ex.hints]
    for i, (source, names) in enumerate(wrong):
        res = run_answer(ex, source)
        if res.score >= ex.points:
            problems.append(f"{ex.id}: wrong answer #{i} got full marks")
        seen = shown(res)
        for n in names:
            if not any(n in t for t in texts):
                problems.append(f"{ex.id}: wrong answer #{i} names {n!r}, which no hint says")
            elif not any(n in t for t in seen):
                problems.append(f"{ex.id}: wrong answer #{i} should show the hint {n!r}; "
                                f"it shows {sorted(seen)}")
        problems += [f"{ex.id}: wrong answer #{i} shows a hint it does not name: {t!r}"
                     for t in seen if not any(n in t for n in names)]
    named = [n for _, names in wrong for n in names]
    problems += [f"{ex.id}: no wrong answer names the hint {t!r}"
                 for t in texts if not any(n in t for n in named)]
    return problems


# --------------------------------------------------------------------------- new
def new(exercise_id: str, root: Path = ROOT) -> Path:
    """Scaffold ``exercise_id`` (``tools/exercise_new.py``) and write the notebook's cells."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from exercise_new import scaffold

    module = scaffold(exercise_id, root)
    sync(root)
    return module


# --------------------------------------------------------------------------- command line
def main(argv: list[str] | None = None, root: Path = ROOT) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("sync", help="write the exercise cells of every notebook")
    p.add_argument("--check", action="store_true", help="only report stale notebooks")
    sub.add_parser("new", help="scaffold an exercise").add_argument("id")
    sub.add_parser("prove", help="prove one exercise (or a chapter: 02)").add_argument("id")
    args = parser.parse_args(argv)
    if args.command == "sync":
        stale = sync(root, check=args.check)
        for path in stale:
            print(f"exercise: {path} {'disagrees with' if args.check else 'rewritten from'} "
                  f"its exercises' definitions"
                  + ("; run python tools/exercise.py sync" if args.check else ""),
                  file=sys.stderr)
        return 1 if stale and args.check else 0
    if args.command == "new":
        module = new(args.id, root)
        print(f"exercise: {args.id} added to {module.relative_to(root)} and its notebook; "
              f"edit the TODOs, then run: python tools/exercise.py prove {args.id}")
        return 0
    chapter = args.id.split(".", 1)[0]
    module = chapter_module(chapter)
    chosen = [ex for ex in module.EXERCISES if args.id in (ex.id, chapter)]
    if not chosen:
        raise SystemExit(f"exercise: no exercise {args.id!r} in {module.__name__}")
    for path in sync(root):
        print(f"exercise: {path} rewritten from its exercises' definitions")
    problems = [p for ex in chosen for p in prove(ex, module)]
    for line in problems:
        print(line)
    if not problems:
        print(f"exercise: {', '.join(ex.id for ex in chosen)} proved")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
