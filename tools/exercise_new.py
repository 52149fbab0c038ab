"""``tools/exercise.py new``: scaffold an exercise in its chapter's definition module.

Adds to ``dlcourse/grading/chNN.py`` (created if the chapter has none) a cases function and a
reference, an ``Exercise`` with a statement and a stub, its solution in ``SOLUTIONS`` and two
wrong answers in ``WRONG``: an exercise that proves as it stands ("double every element"), for
the teacher to turn into the real one. A chapter without an exercise notebook gets a skeleton
``exercises/NN_exercises.ipynb`` (add it to ``_toc.yml``). ``tools/exercise.py`` then writes the
notebook's cells.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

import nbformat

ID = re.compile(r"(\d\d)\.([a-z][a-z0-9_]*)")

SCAFFOLD_FUNCTIONS = '''\
def _{slug}_cases() -> list[Case]:
    rng = np.random.default_rng(0)
    return [Case((np.array([1.0, -2.0, 0.5]),), label="three numbers"),
            Case((rng.normal(size=(2, 3)),), label="a (2, 3) array")]


def _{slug}_reference(x):
    return 2.0 * np.asarray(x, dtype=float)


'''
SCAFFOLD_EXERCISE = '''\
    Exercise(
        id="{id}", title="TODO: a short title", name="{slug}", points=1,
        cases=_{slug}_cases, reference=_{slug}_reference,
        hint="TODO: what the exercise asks, in one line (for the teacher; not shown).",
        statement=r"""
Write `{slug}(x)`: TODO say what it returns, its shapes, and give an example.
Example: `{slug}(np.array([1.0, -2.0]))` gives `array([ 2., -4.])`.
""",
        stub=\'\'\'
def {slug}(x):
    """TODO: one line on what it returns."""
    # YOUR CODE HERE
    raise NotImplementedError("TODO: a hint for the learner")
\'\'\'),
'''
SCAFFOLD_SOLUTION = '''\
    "{id}": \'\'\'
def {slug}(x):
    return 2.0 * np.asarray(x, dtype=float)
\'\'\',
'''
SCAFFOLD_WRONG = '''\
    "{id}": [
        "def {slug}(x):\\n    return np.asarray(x, dtype=float)\\n",  # forgot to double
        "def {slug}(x):\\n    return 3.0 * np.asarray(x, dtype=float)\\n",  # tripled
    ],
'''
SCAFFOLD_MODULE = '''\
"""Chapter {ch} exercises (see spec.py for the fields and tools/exercise.py for the cells)."""
from __future__ import annotations

import numpy as np

from dlcourse.grading.spec import Case, Exercise, Hint  # noqa: F401

EXERCISES = [
]

SOLUTIONS = {{
}}

WRONG = {{
}}
'''
SCAFFOLD_NOTEBOOK = {
    "intro": "# Exercises: chapter {ch}\n\nWrite each answer in the cell marked for it, then run "
             "the check cell below it.",
    "imports": "import numpy as np\nfrom dlcourse.grading import check, score_table",
    "score": "## Your score\n\nRun every check above, then this cell for the chapter's total.",
}


def _insert_before_close(source: str, name: str, text: str) -> str:
    """Insert ``text`` (whole lines) just above the line that closes the module-level list or
    dict assigned to ``name``."""
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == name
                                                for t in node.targets):
            if not isinstance(node.value, (ast.List, ast.Dict)):
                break
            lines = source.splitlines(keepends=True)
            close = node.value.end_lineno - 1  # the line of "]" or "}"
            if lines[close].strip() not in ("]", "}"):
                raise SystemExit(f"exercise: put the closing bracket of {name} on a line of "
                                 f"its own, then run again")
            return "".join(lines[:close]) + text + "".join(lines[close:])
    raise SystemExit(f"exercise: no module-level {name} = [...] / {{...}} found")


def scaffold(exercise_id: str, root: Path) -> Path:
    """Scaffold ``exercise_id`` in its chapter module (and notebook); the module's path."""
    m = ID.fullmatch(exercise_id)
    if not m:
        raise SystemExit(f"exercise: ids look like 02.my_gate (chapter, dot, lower-case slug); "
                         f"got {exercise_id!r}")
    ch, slug = m.groups()
    module = root / "dlcourse" / "grading" / f"ch{ch}.py"
    if not module.exists():
        module.write_text(SCAFFOLD_MODULE.format(ch=ch), encoding="utf-8")
    source = module.read_text(encoding="utf-8")
    if f'"{exercise_id}"' in source:
        raise SystemExit(f"exercise: {exercise_id} already exists in {module.relative_to(root)}")
    fmt = dict(id=exercise_id, slug=slug, ch=ch)
    at = source.index("\nEXERCISES = [") + 1
    source = source[:at] + SCAFFOLD_FUNCTIONS.format(**fmt) + source[at:]
    source = _insert_before_close(source, "EXERCISES", SCAFFOLD_EXERCISE.format(**fmt))
    source = _insert_before_close(source, "SOLUTIONS", SCAFFOLD_SOLUTION.format(**fmt))
    source = _insert_before_close(source, "WRONG", SCAFFOLD_WRONG.format(**fmt))
    module.write_text(source, encoding="utf-8")
    if not sorted((root / "exercises").glob(f"{ch}_*.ipynb")):
        nb = nbformat.v4.new_notebook()
        nb.metadata.update({"dlcourse": {"chapter": ch}, "kernelspec": {
            "display_name": "Python 3", "language": "python", "name": "python3"}})
        text = {k: v.format(ch=ch) for k, v in SCAFFOLD_NOTEBOOK.items()}
        nb.cells = [nbformat.v4.new_markdown_cell(text["intro"]),
                    nbformat.v4.new_code_cell(text["imports"]),
                    nbformat.v4.new_markdown_cell(text["score"]),
                    nbformat.v4.new_code_cell(f'score_table("{ch}")')]
        for cell, name in zip(nb.cells, ("intro", "imports", "score", "total")):
            cell["id"] = f"{ch}-{name}"
        nbformat.write(nb, str(root / "exercises" / f"{ch}_exercises.ipynb"))
    return module
