"""Exercise checking: instant feedback in the notebook and a batch grader for teachers.

* :func:`check` (in ``checker.py``) runs one exercise's cases in the learner's kernel and
  shows the result at once.
* ``dlcourse grade`` / ``python -m dlcourse.grading`` (``cli.py``, ``batch.py``,
  ``submission.py``) grades whole notebooks, with the verdict made in the grader's own process.
* Each chapter's exercises are defined once, in ``chNN.py`` (see ``spec.py``), notebook
  statement, stub and proof included (``tools/exercise.py`` writes the notebook's cells).
"""
from __future__ import annotations

import importlib
import pkgutil

from .spec import Case, Exercise, Hint, compare, to_plain

__all__ = ["Case", "Exercise", "Hint", "compare", "to_plain", "chapters", "exercises", "get",
           "check", "score_table", "progress"]


def chapters() -> list[str]:
    """Chapter numbers that have exercises, e.g. ``["01", "02", ...]``."""
    names = [m.name for m in pkgutil.iter_modules(__path__)]
    return sorted(n[2:] for n in names if n.startswith("ch") and n[2:].isdigit())


def exercises(chapter: str | None = None) -> list[Exercise]:
    """All exercises of one chapter (``"03"``), or of the whole course, in order."""
    chs = [chapter.zfill(2)] if chapter is not None else chapters()
    out: list[Exercise] = []
    for ch in chs:
        module = importlib.import_module(f"{__name__}.ch{ch}")
        out.extend(module.EXERCISES)
    return out


def get(exercise_id: str) -> Exercise:
    """The exercise with this id (``"03.sigmoid"``); a clear error for an unknown id."""
    ch = exercise_id.split(".", 1)[0]
    if ch not in chapters():
        raise KeyError(f"no exercises for chapter {ch!r}; chapters with exercises: {', '.join(chapters())}")
    for ex in exercises(ch):
        if ex.id == exercise_id:
            return ex
    ids = ", ".join(e.id for e in exercises(ch))
    raise KeyError(f"unknown exercise id {exercise_id!r}; chapter {ch} has: {ids}")


from .checker import check, score_table  # noqa: E402  (needs get/exercises above)
from .progress import progress  # noqa: E402
