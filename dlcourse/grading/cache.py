r"""The batch grader's result cache: an unchanged submission is not executed again.

One entry per submission and exercise, a small JSON file named by the SHA-256 of

* the submission's bytes,
* what defines the exercise: its id, name, kind, points, tolerances and limits, the source of
  its spec module (``dlcourse/grading/chNN.py``) and of its reference's and judge's modules,
  its cases' inputs and the expected values (so ``--seed`` is part of it),
* the grader's own code that makes verdicts (``harvest.py``, ``judge.py``, ``_worker.py``,
  ``reseed.py``, ``gradebook.py``, ``submission.py``) and the limits and language of the run
  (``--timeout``, ``--total-timeout``, ``--memory-mb``, ``--output-limit``, the language a
  notebook that declares none is graded in).

Change any of these and the entry is simply not found: the submission is graded again. Each
submission's entries are written as soon as it is graded, so a run that was interrupted
(Ctrl-C, a node lost) resumes where it stopped when started again.

Where: ``--cache DIR``, else ``$DLCOURSE_GRADE_CACHE``, else
``$XDG_CACHE_HOME/dlcourse/grades`` (``~/.cache/dlcourse/grades``). ``--no-cache`` neither
reads nor writes it. To clear it, delete the folder (``rm -r ~/.cache/dlcourse/grades``).
The grader adds the folder to those the learners' kernels may not read, so an answer cannot
forge an entry.
"""
from __future__ import annotations

import hashlib
import importlib
import inspect
import json
import os
import tempfile
from pathlib import Path
from typing import Any, Sequence

from .gradebook import Row
from .harvest import encode
from .judge import encoded_inputs
from .spec import Exercise

__all__ = ["default_folder", "ResultCache", "exercise_digest", "file_digest"]

_HERE = Path(__file__).resolve().parent
_GRADER_FILES = ("harvest.py", "judge.py", "_worker.py", "reseed.py", "gradebook.py",
                 "submission.py")


def default_folder() -> Path:
    env = os.environ.get("DLCOURSE_GRADE_CACHE")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "dlcourse" / "grades"


def file_digest(path: str | os.PathLike) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _module_source(name: str | None) -> str:
    if not name:
        return ""
    try:
        return inspect.getsource(importlib.import_module(name))
    except Exception:
        return ""


def exercise_digest(ex: Exercise, cases: Sequence[Any], expected: Sequence[Any]) -> str:
    """SHA-256 of everything that defines ``ex`` as graded (see the module docstring)."""
    h = hashlib.sha256()
    fields = [ex.id, ex.name, ex.kind, ex.points, ex.rtol, ex.atol, ex.time_limit,
              bool(ex.warnings_fail), list(ex.forbidden), bool(getattr(ex, "numpy_only", True))]
    h.update(json.dumps(fields, default=str).encode())
    mods = {f"{__package__}.ch{ex.chapter}", getattr(ex.reference, "__module__", None),
            getattr(ex.judge, "__module__", None)}
    for m in sorted(m for m in mods if m):
        h.update(_module_source(m).encode())
    for f in _GRADER_FILES:
        h.update((_HERE / f).read_bytes())
    if ex.kind == "function":
        h.update(json.dumps(encoded_inputs(cases)).encode())
    h.update(json.dumps([c.label for c in cases]).encode())
    h.update(json.dumps(encode(list(expected))).encode())
    return h.hexdigest()


class ResultCache:
    """Entries under ``folder``: ``ab/abcdef....json`` holding one result record."""

    def __init__(self, folder: str | os.PathLike, settings: dict) -> None:
        self.folder = Path(folder)
        self.settings = json.dumps(settings, sort_keys=True)
        self.hits = 0
        self.misses = 0
        self._digests: dict[str, str] = {}  # exercise id -> exercise_digest, once per run

    def key(self, sub_digest: str, ex_digest: str) -> str:
        return hashlib.sha256(f"{sub_digest}\n{ex_digest}\n{self.settings}".encode()).hexdigest()

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.json"

    def get(self, key: str) -> dict | None:
        try:
            rec = json.loads(self._path(key).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.misses += 1
            return None
        if not isinstance(rec, dict) or rec.get("key") != key:
            self.misses += 1
            return None
        self.hits += 1
        return rec

    def put(self, key: str, record: dict) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".entry-", dir=str(path.parent))
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump({**record, "key": key}, fh)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def lookup(self, sub: str, exs: Sequence[Exercise], expected: dict
               ) -> tuple[list[Row], list[Exercise], dict[str, str]]:
        """(rows found for ``sub``, exercises still to grade, the key of each exercise id);
        ``expected[id]`` is ``(cases, expected values)`` as the grader computed them."""
        if not exs:
            return [], list(exs), {}
        digest = file_digest(sub)
        keys = {}
        for ex in exs:
            if ex.id not in self._digests:
                self._digests[ex.id] = exercise_digest(ex, *expected[ex.id])
            keys[ex.id] = self.key(digest, self._digests[ex.id])
        found, todo = [], []
        for ex in exs:
            rec = self.get(keys[ex.id])
            if rec is None:
                todo.append(ex)
            else:
                found.append(Row(sub, ex.id, float(rec["score"]), float(rec["max_score"]),
                                 str(rec["status"]), str(rec["feedback"]),
                                 detail=rec.get("detail")))
        return found, todo, keys

    def store(self, keys: dict[str, str], rows: Sequence[Row]) -> None:
        """Keep each row of a graded exercise, unless the grader itself failed on it."""
        for r in rows:
            if r.exercise in keys and not (r.detail or {}).get("fatal"):
                self.put(keys[r.exercise], {"score": r.score, "max_score": r.max_score,
                                            "status": r.status, "feedback": r.feedback,
                                            "detail": r.detail})
