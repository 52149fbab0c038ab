r"""Who and what a submission is, and which share of a class a grader takes.

* **Chapter**: the notebook's metadata ``dlcourse.chapter`` when present, else the file name's
  ``NN_`` prefix. When both are present and disagree, the metadata wins and the submission is
  flagged (:func:`identify`).
* **Student**: the notebook's metadata ``dlcourse.student`` when present (a course platform or
  the learner can set it), else the file name matched by a regular expression: the group named
  ``student`` (or the first group) of the first match, searched in the file name.
  :data:`DEFAULT_STUDENT_PATTERN` reads ``NN_<student>.ipynb`` (``03_kim-minji.ipynb`` gives
  ``kim-minji``); ``dlcourse grade --student-pattern REGEX`` replaces it. A name the pattern
  does not match: the file name without ``.ipynb``.
* **Shares** (``--shard I/N``, :func:`shard`): the submissions sorted by path; share ``I``
  takes the positions ``p`` with ``p % N == I - 1``. Deterministic (the same list on every
  node) and balanced (sizes differ by at most one; consecutive names, often one chapter, are
  dealt round the shares). ``dlcourse merge`` (merge.py) reads the manifest
  (:func:`manifest`) that each share writes next to its gradebook.
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

from ..i18n import _
from . import chapters, exercises
from .judge import expected_values
from .reseed import reseed

__all__ = ["DEFAULT_STUDENT_PATTERN", "Identity", "identify", "parse_shard", "shard",
           "manifest", "selection_sha256", "make_plan"]

#: ``NN_<student>.ipynb``: the chapter's two digits, a separator, then the student.
DEFAULT_STUDENT_PATTERN = r"^\d{1,2}[_\-. ](?P<student>.+?)\.ipynb$"


@dataclass(frozen=True)
class Identity:
    chapter: str | None  # the chapter graded: the metadata's, else the file name's
    student: str
    note: str = ""  # a flag for the teacher (the metadata and the file name disagree)


def _meta(path: str) -> dict:
    try:
        with open(path, encoding="utf-8") as fh:
            meta = json.load(fh).get("metadata", {})
        d = meta.get("dlcourse") if isinstance(meta, dict) else None
        return d if isinstance(d, dict) else {}
    except Exception:
        return {}


def _name_chapter(path: str) -> str | None:
    m = re.match(r"(\d{1,2})[_\-. ]", Path(path).name)
    return m.group(1).zfill(2) if m else None


def identify(path: str, pattern: str | re.Pattern = DEFAULT_STUDENT_PATTERN) -> Identity:
    """The chapter and the student of one submission (see the module docstring)."""
    meta = _meta(path)
    ch_meta = meta.get("chapter")
    ch_meta = str(ch_meta).strip().zfill(2) if str(ch_meta).strip().isdigit() else None
    ch_name = _name_chapter(path)
    note = ""
    if ch_meta and ch_name and ch_meta != ch_name:
        note = _(f"the file name says chapter {ch_name} but the notebook's metadata says "
                 f"chapter {ch_meta}: graded as chapter {ch_meta}")
    who = meta.get("student")
    if not (isinstance(who, str) and who.strip()):
        rx = re.compile(pattern) if isinstance(pattern, str) else pattern
        m = rx.search(Path(path).name)
        who = ""
        if m:
            who = m.groupdict().get("student") or (m.group(1) if rx.groups else m.group(0))
        who = who or Path(path).name.removesuffix(".ipynb")
    return Identity(ch_meta or ch_name, " ".join(str(who).split())[:200], note)


def parse_shard(text: str) -> tuple[int, int]:
    """``"2/8"`` -> ``(2, 8)``; a ValueError that says what is expected otherwise."""
    m = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", str(text))
    if not m or not 1 <= int(m.group(1)) <= int(m.group(2)):
        raise ValueError(f"--shard expects I/N with 1 <= I <= N (e.g. 2/8); got {text!r}")
    return int(m.group(1)), int(m.group(2))


def selection_sha256(paths: Sequence[str]) -> str:
    return hashlib.sha256("\n".join(sorted(paths)).encode("utf-8")).hexdigest()


def shard(paths: Sequence[str], i: int, n: int) -> list[str]:
    """Share ``i`` (1-based) of ``n`` of the sorted ``paths``."""
    return [p for k, p in enumerate(sorted(paths)) if k % n == i - 1]


def manifest(all_paths: Sequence[str], i: int, n: int, exercises: Sequence[str] | None,
             seed: int | None) -> dict:
    """What ``dlcourse merge`` needs to know about one share (format 1, see merge.py)."""
    return {"format": 1, "shard": i, "shards": n, "submissions": shard(all_paths, i, n),
            "all_submissions": len(set(all_paths)),
            "selection_sha256": selection_sha256(sorted(set(all_paths))),
            "exercises": sorted(exercises) if exercises else None, "seed": seed}


def make_plan(subs: Sequence[str], only: Sequence[str] | None, seed: int | None,
              student_pattern: str) -> tuple[list[tuple[str, Identity, list]], dict[str, Any]]:
    """``(submission, identity, exercises)`` for each submission to run, and the expected
    values of every exercise, computed before any learner code runs. ``only``: the exercise
    ids of ``--exercise`` (a submission with none of them is left out); ``seed``: draw the
    cases (reseed.py). A ValueError says what is wrong with ``only`` or the pattern."""
    known = set(chapters())
    if only:
        ids = {ex.id for ex in exercises()}
        unknown = [i for i in only if i not in ids]
        if unknown:
            raise ValueError(f"unknown exercise id(s) for --exercise: {', '.join(unknown)} "
                             "(ids look like 03.sigmoid)")
    try:
        rx = re.compile(student_pattern)
    except re.error as exc:
        raise ValueError(f"--student-pattern {student_pattern!r} is not a regular "
                         f"expression: {exc}") from None
    plan, expected = [], {}
    for s in subs:
        who = identify(s, rx)
        exs = exercises(who.chapter) if who.chapter in known else []
        if only:
            exs = [ex for ex in exs if ex.id in only]
            if not exs:
                continue  # nothing to regrade here: its rows stay as they are
        exs = [reseed(ex, seed) for ex in exs]
        for ex in exs:
            if ex.id not in expected:
                expected[ex.id] = expected_values(ex)
        plan.append((s, who, exs))
    return plan, expected
