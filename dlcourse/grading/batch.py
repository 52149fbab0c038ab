r"""The batch grader for teachers: ``dlcourse grade SUB.ipynb ... --out grades.csv``.

How a submission is graded:

1. Which exercises: the notebook's metadata ``dlcourse.chapter``, else the file name's ``NN_``
   prefix. Every exercise of that chapter gets a row in the gradebook, even when missing.
2. The grader computes the expected values **in its own process**, before any learner code runs.
3. The submission is copied (never modified) into a fresh temporary folder and executed by a
   worker process (its own process group; forked from the batch's worker zygote, which has its
   imports done: ``_zygote.py``) in a new Jupyter kernel started through a temporary
   kernelspec whose launcher caps the kernel's memory (``RLIMIT_AS``) and confines it (the
   kernel is forked from a process of the worker's that has imported ipykernel and NumPy and
   seen nothing of the job, then capped and confined the same way: ``_kernel_forker.py``). Each cell has a timeout,
   errors are allowed, the whole notebook has a time limit, captured output is capped.
4. After the learner's cells, one harvest cell per exercise calls the learner's ``name`` on the
   grader's inputs (sent as plain JSON data) under its own timer and writes the outputs as JSON.
5. Back in the grader's process the outputs are decoded strictly (no pickle) and judged with
   :func:`~dlcourse.grading.spec.compare` or the exercise's judge. Nothing the notebook does to
   NumPy, to ``check`` or to the checker can change that verdict.

Steps 3-5, one submission, are submission.py; this module runs the class through them
(:func:`grade`, in named steps: check the request, plan, run each submission through the
cache, write the gradebook and the pages, print the summary). The command line is cli.py.

The CSV has the columns ``submission, student, exercise, score, max_score, status, feedback``
(rows in the sorted order of the submissions' paths) and is written atomically.

The teacher's options, each in its own module: who the student is and which share to grade
(``--student-pattern``, ``--shard``: roster.py), ``--feedback`` pages (feedback.py), the result
cache (``--cache``, ``--no-cache``: cache.py), ``--seed`` (reseed.py); ``--exercise`` regrades
some exercises into an existing gradebook (gradebook.update_gradebook).
"""
from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from .. import i18n
from . import sandbox
from .cache import ResultCache
from .feedback import render, write_page
from .gradebook import (COLUMNS, Row, log_submission, summary, update_gradebook, write_csv,
                        write_table_rows)
from .merge import manifest_path
from .roster import DEFAULT_STUDENT_PATTERN, Identity, make_plan, manifest
from .roster import shard as roster_shard
from .submission import WorkerZygote, grade_one, make_kernelspec

__all__ = ["grade", "main", "Row", "chapter_of", "COLUMNS", "UsageError"]

_HERE = Path(__file__).resolve().parent
#: Random tag of the latest batch, set in every worker's (and so kernel's) environment as
#: ``DLCOURSE_GRADE_BATCH``: lets tests and admins find a batch's processes.
LAST_BATCH_ID = ""


class UsageError(Exception):
    """Bad command-line use: reported with a message and exit status 2."""


# --------------------------------------------------------------------------- chapters
def chapter_of(path: str | os.PathLike) -> str | None:
    """The chapter a submission belongs to: metadata ``dlcourse.chapter``, else ``NN_``."""
    try:
        with open(path, encoding="utf-8") as fh:
            meta = json.load(fh).get("metadata", {})
        ch = (meta.get("dlcourse") or {}).get("chapter")
        if ch is not None and str(ch).strip().isdigit():
            return str(ch).strip().zfill(2)
    except Exception:
        pass
    m = re.match(r"(\d{1,2})[_\-. ]", Path(path).name)
    return m.group(1).zfill(2) if m else None


# --------------------------------------------------------------------------- the steps
def _check_out(subs: Sequence[str], out: str | os.PathLike | None) -> None:
    if out is None:
        return
    out_p = Path(out).resolve()
    if not out_p.parent.is_dir():
        raise UsageError(f"the folder for --out does not exist: {out_p.parent}")
    if any(Path(s).resolve() == out_p for s in subs):
        raise UsageError(f"--out {out} is one of the submissions; refusing to overwrite it")
    if out_p.suffix == ".ipynb":
        raise UsageError(f"--out {out} looks like a notebook; the gradebook is a .csv file")


def _check_request(submissions: Sequence[str | os.PathLike], out, timeout: float,
                   total_timeout: float, memory_mb: int, shard) -> list[str]:
    """Every submission, sorted and once each; a UsageError for anything that cannot run."""
    everyone = sorted(dict.fromkeys(str(s) for s in submissions))
    if not everyone:
        raise UsageError("no submissions given")
    for s in everyone:
        if not os.path.isfile(s):
            raise UsageError(f"submission not found: {s}")
    _check_out(everyone, out)
    if timeout <= 0 or total_timeout <= 0 or memory_mb < 0:
        raise UsageError("--timeout and --total-timeout must be positive, "
                         "--memory-mb non-negative")
    if shard is not None and out is None:
        raise UsageError("--shard needs --out (the share's gradebook and its manifest)")
    return everyone


def _denied(everyone: Sequence[str], out, cache, feedback) -> str:
    """The folders no kernel may read (os.pathsep-separated): the class folders, the
    gradebook's, the teacher's home, the result cache and the feedback folder."""
    deny = {str(Path(s).resolve().parent) for s in everyone} | {os.path.expanduser("~")}
    deny |= {str(Path(p).resolve()) for p in (cache, feedback) if p is not None}
    if out is not None:
        deny.add(str(Path(out).resolve().parent))
    return os.pathsep.join(sorted(deny))


@dataclass
class _Run:
    """What every submission of one run shares."""
    expected: dict  # exercise id -> (cases, expected values), computed before any learner code
    kroot: Path  # the temporary Jupyter path that holds the grader's kernelspec
    opts: dict  # limits and settings for submission.grade_one
    store: ResultCache | None


def _grade_submission(run: _Run, s: str, who: Identity, exs: list) -> list[Row]:
    """One submission through the cache: the rows found there, the rest graded now (and kept
    there at once, so an interrupted run resumes), each row marked with the student."""
    store, opts = run.store, run.opts
    cached, todo, keys = store.lookup(s, exs, run.expected) if store else ([], exs, {})
    ran = bool(todo or not exs)  # no exercises: grade_one writes the row that says why
    try:
        fresh = (grade_one(s, who.chapter, todo, run.expected, run.kroot, opts, cached)
                 if ran else [])
    except Exception as exc:
        fresh = [Row(s, ex.id, 0.0, float(ex.points), "error",
                     f"the grader failed on this notebook: {type(exc).__name__}: {exc}",
                     detail={"fatal": True}) for ex in todo]
    if store is not None:
        store.store(keys, fresh)  # written as each submission completes: a rerun resumes
    if opts.get("log") and not ran:
        log_submission(opts, s, None, [], None, cached)  # all from the cache: named too
    by_id = {r.exercise: r for r in cached + fresh}
    rows = [by_id[ex.id] for ex in exs] if exs else fresh
    for r in rows:
        r.student = who.student
    _flag(rows, s, who, opts)
    return rows


def _flag(rows: list[Row], s: str, who: Identity, opts: dict) -> None:
    """``who.note`` (the file name and the metadata disagree on the chapter) added to each
    row's feedback, in the submission's language as the rest of it (submission.py)."""
    if not who.note:
        return
    with i18n.using(i18n.notebook_language(s) or opts.get("language") or i18n.language()):
        note = i18n.tr(f"note: {who.note}")
    for r in rows:
        r.feedback = f"{r.feedback}; {note}" if r.feedback else note


def _grade_all(plan: list, run: _Run, jobs: int, memory_mb: int) -> list[list[Row]]:
    """Every planned submission, ``jobs`` at a time, with the grader's kernelspec in place."""
    try:
        make_kernelspec(run.kroot, memory_mb)
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            futures = [pool.submit(_grade_submission, run, *p) for p in plan]
            return [f.result() for f in futures]
    finally:
        shutil.rmtree(run.kroot, ignore_errors=True)


def _write_gradebook(out, rows: list[Row], only, everyone: list[str], shard, seed):
    """Write ``out`` (merged into the existing one under ``--exercise``) and a share's
    manifest; return the merged table when there was one to merge into, else None."""
    table = None
    if only and Path(out).exists():
        table = update_gradebook(out, rows)
        write_table_rows(table, out)
    else:
        write_csv(rows, out)
    if shard is not None:
        man = manifest(everyone, *shard, only, seed)
        manifest_path(out).write_text(json.dumps(man, indent=1) + "\n", encoding="utf-8")
    return table


def _page_rows(sub: str, regraded: Sequence[Row], table: Sequence[Sequence[str]]) -> list[Row]:
    """A feedback page's rows after ``--exercise``: every row of ``sub`` in the merged gradebook
    ``table``, the regraded ones as graded now (with their cases), the others as kept."""
    fresh = {r.exercise: r for r in regraded}
    rows = []
    for t in table:
        if t[0] != sub:
            continue
        row = dict(zip(COLUMNS, t))
        if row["exercise"] in fresh:
            rows.append(fresh.pop(row["exercise"]))
            continue
        try:
            score, best = float(row["score"]), float(row["max_score"])
        except ValueError:  # a hand-edited cell: shown as it stands, counted as 0
            score, best = 0.0, 0.0
        rows.append(Row(sub, row["exercise"], score, best, row["status"], row["feedback"],
                        student=row["student"]))
    return rows + list(fresh.values())


def _write_pages(folder, plan: list, results: list[list[Row]], table) -> None:
    """One ``--feedback`` page per graded submission, covering the whole (merged) gradebook."""
    for (s, who, _), rs in zip(plan, results):
        rs = _page_rows(s, rs, table) if table is not None else rs
        write_page(folder, s, render(s, who.student, who.chapter, who.note, rs))


def _print_summary(rows: list[Row], elapsed: float, plan: list, store, confinement: str):
    print(summary(rows, elapsed, len(plan)))
    for s, who, _ in plan:
        if who.note:
            print(f"  FLAG {s}: {who.note}")
    if store is not None:
        print(f"Result cache {store.folder}: {store.hits} result(s) reused, "
              f"{store.misses} graded")
    print(confinement)


# --------------------------------------------------------------------------- public API
def grade(submissions: Sequence[str | os.PathLike], out: str | os.PathLike | None = None, *,
          timeout: float = 60, jobs: int | None = None, memory_mb: int = 2048,
          total_timeout: float = 300, output_limit: int = 1 << 20, quiet: bool = True,
          log: str | None = None, student_pattern: str = DEFAULT_STUDENT_PATTERN,
          feedback: str | os.PathLike | None = None, only: Sequence[str] | None = None,
          cache: str | os.PathLike | None = None, seed: int | None = None,
          shard: tuple[int, int] | None = None) -> list[Row]:
    """Grade notebooks; return the rows (and write them to ``out`` as CSV when given).

    ``only``: exercise ids to (re)grade, merged into an existing ``out``; ``cache``: the
    result cache's folder (None: no cache); ``seed``: draw the cases (reseed.py); ``shard``:
    ``(i, n)``, grade share i of n and write ``out``'s manifest for ``dlcourse merge``.
    """
    everyone = _check_request(submissions, out, timeout, total_timeout, memory_mb, shard)
    subs = roster_shard(everyone, *shard) if shard else everyone
    try:
        plan, expected = make_plan(subs, only, seed, student_pattern)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    global LAST_BATCH_ID
    LAST_BATCH_ID = secrets.token_hex(8)
    confinement = sandbox.describe()  # what this machine's Linux can enforce, said once
    # the language of the feedback of a notebook that declares none (read here: the pool's
    # threads do not see an i18n.using() block around this call)
    language = i18n.language()
    opts = {"deny": _denied(everyone, out, cache, feedback), "batch_id": LAST_BATCH_ID,
            "timeout": timeout, "total_timeout": total_timeout, "output_limit": output_limit,
            "harvest_source": (_HERE / "harvest.py").read_text(encoding="utf-8"), "log": log,
            "language": language}
    store = None
    if cache is not None:
        store = ResultCache(cache, {"timeout": timeout, "total_timeout": total_timeout,
                                    "memory_mb": memory_mb, "output_limit": output_limit,
                                    "language": language})
    kroot = Path(tempfile.mkdtemp(prefix="dlcourse-kspec-"))
    if log:
        with open(log, "a", encoding="utf-8") as fh:
            fh.write(f"dlcourse grade: {confinement}\n")
        (kroot / "logs").mkdir()
        opts["logdir"] = str(kroot / "logs")  # each submission's worker log, appended when done
    n_jobs = max(1, int(jobs or min(len(subs), os.cpu_count() or 1, 4)))
    t0 = time.monotonic()
    opts["zygote"] = WorkerZygote()  # forks the workers (submission.py)
    try:
        results = _grade_all(plan, _Run(expected, kroot, opts, store), n_jobs, memory_mb)
    finally:
        opts.pop("zygote").close()
    rows = [r for rs in results for r in rs]
    elapsed = time.monotonic() - t0
    table = _write_gradebook(out, rows, only, everyone, shard, seed) if out is not None else None
    if feedback is not None:
        _write_pages(feedback, plan, results, table)
    if not quiet:
        _print_summary(rows, elapsed, plan, store, confinement)
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    """``dlcourse grade`` (cli.py), kept here for scripts that call ``batch.main``."""
    from .cli import main as cli_main

    return cli_main(argv)
