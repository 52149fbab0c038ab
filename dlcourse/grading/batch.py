r"""The batch grader for teachers: ``dlcourse grade SUB.ipynb ... --out grades.csv``.

How a submission is graded:

1. Which exercises: the notebook's metadata ``dlcourse.chapter``, else the file name's ``NN_``
   prefix. Every exercise of that chapter gets a row in the gradebook, even when missing.
2. The grader computes the expected values **in its own process**, before any learner code runs.
3. The submission is copied (never modified) into a fresh temporary folder and executed by a
   worker process (its own process group) in a fresh Jupyter kernel started through a temporary
   kernelspec whose launcher caps the kernel's memory (``RLIMIT_AS``). Each cell has a timeout,
   errors are allowed, the whole notebook has a time limit, captured output is capped.
4. After the learner's cells, one harvest cell per exercise calls the learner's ``name`` on the
   grader's inputs (sent as plain JSON data) under its own timer and writes the outputs as JSON.
5. Back in the grader's process the outputs are decoded strictly (no pickle) and judged with
   :func:`~dlcourse.grading.spec.compare` or the exercise's judge. Nothing the notebook does to
   NumPy, to ``check`` or to the checker can change that verdict.

The CSV has the columns ``submission, student, exercise, score, max_score, status, feedback``
(rows in the sorted order of the submissions' paths) and is written atomically. Exit status 0
when grading ran, 2 for a usage error.

The teacher's options, each in its own module: who the student is and which share to grade
(``--student-pattern``, ``--shard``: roster.py), ``--feedback`` pages (feedback.py), the result
cache (``--cache``, ``--no-cache``: cache.py), ``--seed`` (reseed.py); ``--exercise`` regrades
some exercises into an existing gradebook (gradebook.update_gradebook).
"""
from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Sequence

from .. import i18n
from . import sandbox
from .harvest import wall_limit
from .cache import ResultCache, default_folder
from .feedback import detail_of, render, write_page
from .gradebook import (COLUMNS, Row, judge_exercise, log_submission, summary, update_gradebook,
                        write_csv, write_table_rows)
from .merge import manifest_path
from .roster import DEFAULT_STUDENT_PATTERN, Identity, make_plan, manifest, parse_shard
from .roster import shard as roster_shard
from .judge import Result, answer_spec, encoded_inputs
from .spec import Exercise

__all__ = ["grade", "main", "Row", "chapter_of", "COLUMNS"]

_HERE = Path(__file__).resolve().parent
_KERNEL_NAME = "dlcourse-grader"
#: Random tag of the latest batch, set in every worker's (and so kernel's) environment as
#: ``DLCOURSE_GRADE_BATCH``: lets tests and admins find a batch's processes.
LAST_BATCH_ID = ""


class UsageError(Exception):
    """Bad command-line use: reported with a message and exit status 2."""


# --------------------------------------------------------------------------- chapters
def chapter_of(path: str | os.PathLike) -> str | None:
    """The chapter a submission belongs to: metadata ``dlcourse.chapter``, else an ``NN_`` prefix."""
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


# --------------------------------------------------------------------------- kernel set-up
def _make_kernelspec(root: Path, memory_mb: int) -> Path:
    kdir = root / "kernels" / _KERNEL_NAME
    kdir.mkdir(parents=True, exist_ok=True)
    spec = {
        "argv": [sys.executable, str(_HERE / "_launcher.py"), str(int(memory_mb)), "-f", "{connection_file}"],
        "display_name": "dlcourse grader (capped)",
        "language": "python",
        "env": {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
                "MPLBACKEND": "Agg", "PYDEVD_DISABLE_FILE_VALIDATION": "1",
                "PYTHONDONTWRITEBYTECODE": "1"},
        "metadata": {"debugger": False},
    }
    (kdir / "kernel.json").write_text(json.dumps(spec), encoding="utf-8")
    return root


def _inputs_for(exs: Sequence[Exercise], expected: dict) -> list[dict]:
    """What each harvest cell gets: the same spec and inputs ``check()`` uses (judge.py)."""
    return [{**answer_spec(ex), "cases": encoded_inputs(expected[ex.id][0]) if ex.kind == "function" else []}
            for ex in exs]


# --------------------------------------------------------------------------- one submission
def _run_worker(job: dict, workdir: Path, hard_limit: float, log_path: str | None) -> dict:
    job_path = workdir / "job.json"
    job_path.write_text(json.dumps(job), encoding="utf-8")
    r, w = os.pipe()
    err = open(log_path, "wb") if log_path else subprocess.DEVNULL  # this submission's own log
    try:
        proc = subprocess.Popen(
            [sys.executable, str(_HERE / "_worker.py"), str(job_path), str(w)],
            pass_fds=(w,), start_new_session=True, stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=err, cwd=str(workdir),
            env={**os.environ, "DLCOURSE_GRADE_BATCH": job.get("batch_id", ""),
                 "DLCOURSE_SANDBOX_DENY": job.get("deny", "")},
        )
    finally:
        os.close(w)
        if log_path:
            err.close()
    chunks: list[bytes] = []

    def _read() -> None:
        with os.fdopen(r, "rb") as fh:
            while True:
                b = fh.read(1 << 16)
                if not b:
                    break
                if sum(map(len, chunks)) < (256 << 20):
                    chunks.append(b)

    reader = threading.Thread(target=_read, daemon=True)
    reader.start()
    timed_out = False
    try:
        proc.wait(timeout=hard_limit)
    except subprocess.TimeoutExpired:
        timed_out = True
    finally:
        sandbox.kill_tree(proc.pid)  # first all below the worker (it is their subreaper)...
        try:
            os.killpg(proc.pid, signal.SIGKILL)  # ...then the worker and anything left in its group
        except (ProcessLookupError, PermissionError):
            pass
        proc.wait()
    reader.join(timeout=5)
    if timed_out:
        return {"fatal_timeout": True}
    try:
        return json.loads(b"".join(chunks).decode("utf-8"))
    except Exception:
        return {"fatal": f"the grader's worker stopped without a report (exit status {proc.returncode})"}


def _grade_one(sub: str, chapter: str | None, exs: list[Exercise], expected: dict, kroot: Path,
               opts: dict, cached: Sequence[Row] = ()) -> list[Row]:
    if not exs:
        why = ("cannot tell which chapter this notebook belongs to (no dlcourse.chapter metadata, "
               "no NN_ file name prefix)") if chapter is None else f"chapter {chapter} has no exercises"
        rows = [Row(sub, "", 0.0, 0.0, "error", why)]
        if opts.get("log"):
            log_submission(opts, sub, {"notes": [f"not run: {why}"]}, rows, None)
        return rows
    workdir = Path(tempfile.mkdtemp(prefix="dlcourse-grade-"))
    logdir = Path(opts["logdir"]) if opts.get("logdir") else None
    try:
        nonce = secrets.token_hex(12)
        shutil.copyfile(sub, workdir / "submission.ipynb")
        (workdir / "inputs.json").write_text(json.dumps(_inputs_for(exs, expected)), encoding="utf-8")
        job = {
            "notebook": str(workdir / "submission.ipynb"), "workdir": str(workdir),
            "inputs": str(workdir / "inputs.json"), "nonce": nonce, "kernel_name": _KERNEL_NAME,
            "jupyter_path": str(kroot), "harvest_limits": [float(ex.time_limit) for ex in exs],
            "cell_timeout": float(opts["timeout"]), "total_timeout": float(opts["total_timeout"]),
            "output_limit": int(opts["output_limit"]), "harvest_source": opts["harvest_source"],
            "batch_id": opts["batch_id"], "deny": opts["deny"],
        }
        # CPU-time limits are enforced by the worker; this wall-clock backstop only catches a
        # worker that stopped making progress (generous: a loaded machine is slow, not stuck)
        hard = (wall_limit(opts["total_timeout"]) + sum(wall_limit(ex.time_limit) + 30.0 for ex in exs)
                + 120.0)
        t0 = time.monotonic()
        own_log = str(logdir / f"{workdir.name}.log") if logdir else None
        report = _run_worker(job, workdir, hard, own_log)
        report["wall"] = round(time.monotonic() - t0, 1)
        # the feedback column in the submission's language, as its own check cell shows it
        with i18n.using(i18n.notebook_language(sub) or i18n.language()):
            rows = _rows_of(sub, exs, report, workdir, nonce, expected)
        if logdir:
            log_submission(opts, sub, report, rows, own_log, cached)
        return rows
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _rows_of(sub: str, exs: list[Exercise], report: dict, workdir: Path, nonce: str,
             expected: dict) -> list[Row]:
    """Judge each exercise of one run submission; its row's feedback in the current language."""
    notes = report.get("notes") or []
    extra = []
    if report.get("truncated"):
        extra.append(i18n.tr("output was truncated (over the limit)"))
    extra += [str(n)[:150] for n in notes[:2]]
    rows = []
    for k, ex in enumerate(exs):
        try:
            res = judge_exercise(ex, k, report, workdir, nonce, expected)
        except Exception as exc:  # never let one odd answer stop the batch
            res = Result(ex, "error", message=f"could not judge ({type(exc).__name__}: {exc})")
        fb = res.feedback()
        if res.status != "passed" and extra:
            fb = (fb + "; notebook: " + "; ".join(extra))[:600]
        row = Row(sub, ex.id, float(res.score), float(ex.points), res.status, fb)
        row.detail = {**detail_of(res), "fatal": bool(report.get("fatal_timeout")
                                                      or "fatal" in report)}
        rows.append(row)
    return rows


# --------------------------------------------------------------------------- public API
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
    everyone = sorted(dict.fromkeys(str(s) for s in submissions))
    if not everyone:
        raise UsageError("no submissions given")
    for s in everyone:
        if not os.path.isfile(s):
            raise UsageError(f"submission not found: {s}")
    _check_out(everyone, out)
    if timeout <= 0 or total_timeout <= 0 or memory_mb < 0:
        raise UsageError("--timeout and --total-timeout must be positive, --memory-mb non-negative")
    if shard is not None and out is None:
        raise UsageError("--shard needs --out (the share's gradebook and its manifest)")
    subs = roster_shard(everyone, *shard) if shard else everyone
    try:
        plan, expected = make_plan(subs, only, seed, student_pattern)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    global LAST_BATCH_ID
    LAST_BATCH_ID = secrets.token_hex(8)
    confinement = sandbox.describe()  # what this machine's Linux can enforce, said once
    if log:
        with open(log, "a", encoding="utf-8") as fh:
            fh.write(f"dlcourse grade: {confinement}\n")
    # folders no kernel may read: the class folders, the gradebook's, the teacher's home,
    # the result cache and the feedback folder
    deny = {str(Path(s).resolve().parent) for s in everyone} | {os.path.expanduser("~")}
    deny |= {str(Path(p).resolve()) for p in (cache, feedback) if p is not None}
    if out is not None:
        deny.add(str(Path(out).resolve().parent))
    opts = {"deny": os.pathsep.join(sorted(deny)),
            "batch_id": LAST_BATCH_ID, "timeout": timeout, "total_timeout": total_timeout,
            "output_limit": output_limit,
            "harvest_source": (_HERE / "harvest.py").read_text(encoding="utf-8"), "log": log}
    store = None
    if cache is not None:
        # the language too: a notebook that declares none gets its feedback in this one
        store = ResultCache(cache, {"timeout": timeout, "total_timeout": total_timeout,
                                    "memory_mb": memory_mb, "output_limit": output_limit,
                                    "language": i18n.language()})
    n_jobs = max(1, int(jobs or min(len(subs), os.cpu_count() or 1, 4)))
    kroot = Path(tempfile.mkdtemp(prefix="dlcourse-kspec-"))
    if log:
        (kroot / "logs").mkdir()
        opts["logdir"] = str(kroot / "logs")  # each submission's worker log, appended when done

    def one(s: str, who: Identity, exs: list) -> list[Row]:
        cached, todo, keys = store.lookup(s, exs, expected) if store else ([], exs, {})
        try:
            run = todo or not exs  # no exercises: _grade_one writes the row that says why
            fresh = _grade_one(s, who.chapter, todo, expected, kroot, opts, cached) if run else []
        except Exception as exc:
            fresh = [Row(s, ex.id, 0.0, float(ex.points), "error",
                         f"the grader failed on this notebook: {type(exc).__name__}: {exc}",
                         detail={"fatal": True}) for ex in todo]
        if store is not None:
            store.store(keys, fresh)  # written as each submission completes: a rerun resumes
        if log and not run:
            log_submission(opts, s, None, [], None, cached)  # all from the cache: named too
        by_id = {r.exercise: r for r in cached + fresh}
        rows = [by_id[ex.id] for ex in exs] if exs else fresh
        for r in rows:
            r.student = who.student
            if who.note:
                r.feedback = f"{r.feedback}; note: {who.note}" if r.feedback else who.note
        return rows

    t0 = time.monotonic()
    try:
        _make_kernelspec(kroot, memory_mb)
        with ThreadPoolExecutor(max_workers=n_jobs) as pool:
            results = [f.result() for f in [pool.submit(one, *p) for p in plan]]
    finally:
        shutil.rmtree(kroot, ignore_errors=True)
    rows = [r for rs in results for r in rs]
    elapsed = time.monotonic() - t0
    table = None  # the merged gradebook of --exercise, when there is one
    if out is not None:
        if only and Path(out).exists():
            table = update_gradebook(out, rows)
            write_table_rows(table, out)
        else:
            write_csv(rows, out)
        if shard is not None:
            man = manifest(everyone, *shard, only, seed)
            manifest_path(out).write_text(json.dumps(man, indent=1) + "\n", encoding="utf-8")
    if feedback is not None:
        for (s, who, _), rs in zip(plan, results):
            rs = _page_rows(s, rs, table) if table is not None else rs
            write_page(feedback, s, render(s, who.student, who.chapter, who.note, rs))
    if not quiet:
        print(summary(rows, elapsed, len(plan)))
        for s, who, _ in plan:
            if who.note:
                print(f"  FLAG {s}: {who.note}")
        if store is not None:
            print(f"Result cache {store.folder}: {store.hits} result(s) reused, "
                  f"{store.misses} graded")
        print(confinement)
    return rows


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="dlcourse grade",
        description="Grade exercise notebooks into a CSV gradebook. Each submission runs in a "
                    "fresh, capped Jupyter kernel; the verdict is made outside it.")
    p.add_argument("submissions", nargs="+", help="submitted .ipynb files (never modified)")
    p.add_argument("--out", required=True, help="the CSV gradebook to write (atomically)")
    p.add_argument("--timeout", type=float, default=60, help="seconds per cell (default 60)")
    p.add_argument("--total-timeout", type=float, default=300,
                   help="seconds for a whole notebook's own cells (default 300)")
    p.add_argument("--jobs", type=int, default=None, help="submissions graded in parallel")
    p.add_argument("--memory-mb", type=int, default=2048,
                   help="address-space cap of each kernel in MiB (default 2048; 0: no cap)")
    p.add_argument("--output-limit", type=int, default=1 << 20,
                   help="bytes of printed output kept per notebook (default 1 MiB)")
    p.add_argument("--log", default=None, help="append the workers' logs to this file")
    p.add_argument("--student-pattern", default=DEFAULT_STUDENT_PATTERN,
                   help="regex whose group 'student' (or first group) names the student in a "
                        "file name, when the notebook's metadata dlcourse.student is absent "
                        f"(default {DEFAULT_STUDENT_PATTERN!r})")
    p.add_argument("--feedback", default=None, metavar="DIR",
                   help="write one self-contained HTML page per submission into DIR")
    p.add_argument("--exercise", action="append", default=None, metavar="ID", dest="only",
                   help="grade only this exercise (repeatable); merged into an existing --out")
    p.add_argument("--cache", default=None, metavar="DIR",
                   help="the result cache (default $DLCOURSE_GRADE_CACHE or "
                        "~/.cache/dlcourse/grades)")
    p.add_argument("--no-cache", action="store_true", help="neither read nor write the cache")
    p.add_argument("--seed", type=int, default=None,
                   help="draw every function exercise's inputs from this seed")
    p.add_argument("--shard", default=None, metavar="I/N",
                   help="grade only share I of N (1-based); writes OUT.manifest.json for "
                        "'dlcourse merge'")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """``dlcourse grade``: returns 0 when grading ran, 2 for a usage error."""
    parser = _parser()
    try:
        args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    except SystemExit as exc:
        return int(exc.code or 0)
    if args.jobs is not None and args.jobs < 1:
        print("dlcourse grade: --jobs must be at least 1", file=sys.stderr)
        return 2
    try:
        shard = parse_shard(args.shard) if args.shard is not None else None
    except ValueError as exc:
        print(f"dlcourse grade: {exc}", file=sys.stderr)
        return 2
    cache = None if args.no_cache else (args.cache or str(default_folder()))
    try:
        grade(args.submissions, args.out, timeout=args.timeout, jobs=args.jobs,
              memory_mb=args.memory_mb, total_timeout=args.total_timeout,
              output_limit=args.output_limit, quiet=False, log=args.log,
              student_pattern=args.student_pattern, feedback=args.feedback, only=args.only,
              cache=cache, seed=args.seed, shard=shard)
    except UsageError as exc:
        print(f"dlcourse grade: {exc}", file=sys.stderr)
        return 2
    print(f"Gradebook written to {args.out}")
    if args.feedback:
        print(f"Feedback pages written to {args.feedback}")
    return 0
