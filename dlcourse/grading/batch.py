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

The CSV has the columns ``submission, exercise, score, max_score, status, feedback`` and is
written atomically. Exit status 0 when grading ran, 2 for a usage error.
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
from typing import Any, Sequence

from . import chapters, exercises, sandbox
from .harvest import wall_limit
from .gradebook import COLUMNS, Row, judge_exercise, log_submission, summary, write_csv
from .judge import Result, answer_spec, encoded_inputs, expected_values
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
               opts: dict) -> list[Row]:
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
        rows = []
        notes = report.get("notes") or []
        extra = []
        if report.get("truncated"):
            extra.append("output was truncated (over the limit)")
        extra += [str(n)[:150] for n in notes[:2]]
        for k, ex in enumerate(exs):
            try:
                res = judge_exercise(ex, k, report, workdir, nonce, expected)
            except Exception as exc:  # never let one odd answer stop the batch
                res = Result(ex, "error", message=f"could not judge ({type(exc).__name__}: {exc})")
            fb = res.feedback()
            if res.status != "passed" and extra:
                fb = (fb + "; notebook: " + "; ".join(extra))[:600]
            rows.append(Row(sub, ex.id, float(res.score), float(ex.points), res.status, fb))
        if logdir:
            log_submission(opts, sub, report, rows, own_log)
        return rows
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


# --------------------------------------------------------------------------- public API
def grade(submissions: Sequence[str | os.PathLike], out: str | os.PathLike | None = None, *,
          timeout: float = 60, jobs: int | None = None, memory_mb: int = 2048,
          total_timeout: float = 300, output_limit: int = 1 << 20, quiet: bool = True,
          log: str | None = None) -> list[Row]:
    """Grade notebooks; return the rows (and write them to ``out`` as CSV when given)."""
    subs = [str(s) for s in submissions]
    if not subs:
        raise UsageError("no submissions given")
    for s in subs:
        if not os.path.isfile(s):
            raise UsageError(f"submission not found: {s}")
    if out is not None:
        out_p = Path(out).resolve()
        if not out_p.parent.is_dir():
            raise UsageError(f"the folder for --out does not exist: {out_p.parent}")
        for s in subs:
            if Path(s).resolve() == out_p:
                raise UsageError(f"--out {out} is one of the submissions; refusing to overwrite it")
        if out_p.suffix == ".ipynb":
            raise UsageError(f"--out {out} looks like a notebook; the gradebook is a .csv file")
    if timeout <= 0 or total_timeout <= 0 or memory_mb < 0:
        raise UsageError("--timeout and --total-timeout must be positive, --memory-mb non-negative")
    known = set(chapters())
    plan = []
    expected: dict[str, Any] = {}
    for s in subs:
        ch = chapter_of(s)
        exs = exercises(ch) if ch in known else []
        for ex in exs:
            if ex.id not in expected:
                expected[ex.id] = expected_values(ex)  # before any learner code runs
        plan.append((s, ch, exs))
    global LAST_BATCH_ID
    LAST_BATCH_ID = secrets.token_hex(8)
    confinement = sandbox.describe()  # what this machine's Linux can enforce, said once
    if log:
        with open(log, "a", encoding="utf-8") as fh:
            fh.write(f"dlcourse grade: {confinement}\n")
    # folders no kernel may read: the class folders, the gradebook's, the teacher's home
    deny = {str(Path(s).resolve().parent) for s in subs} | {os.path.expanduser("~")}
    if out is not None:
        deny.add(str(Path(out).resolve().parent))
    opts = {"deny": os.pathsep.join(sorted(deny)),
            "batch_id": LAST_BATCH_ID, "timeout": timeout, "total_timeout": total_timeout, "output_limit": output_limit,
            "harvest_source": (_HERE / "harvest.py").read_text(encoding="utf-8"), "log": log}
    n_jobs = max(1, int(jobs or min(len(subs), os.cpu_count() or 1, 4)))
    kroot = Path(tempfile.mkdtemp(prefix="dlcourse-kspec-"))
    if log:
        (kroot / "logs").mkdir()
        opts["logdir"] = str(kroot / "logs")  # each submission's worker log, appended when done
    t0 = time.monotonic()
    try:
        _make_kernelspec(kroot, memory_mb)
        with ThreadPoolExecutor(max_workers=n_jobs) as pool:
            futures = [pool.submit(_grade_one, s, ch, exs, expected, kroot, opts) for s, ch, exs in plan]
            results = []
            for (s, ch, exs), f in zip(plan, futures):
                try:
                    results.append(f.result())
                except Exception as exc:
                    results.append([Row(s, ex.id, 0.0, float(ex.points), "error",
                                        f"the grader failed on this notebook: {type(exc).__name__}: {exc}")
                                    for ex in exs] or [Row(s, "", 0.0, 0.0, "error", str(exc))])
    finally:
        shutil.rmtree(kroot, ignore_errors=True)
    rows = [r for rs in results for r in rs]
    elapsed = time.monotonic() - t0
    if out is not None:
        write_csv(rows, out)
    if not quiet:
        print(summary(rows, elapsed, len(subs)))
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
        grade(args.submissions, args.out, timeout=args.timeout, jobs=args.jobs,
              memory_mb=args.memory_mb, total_timeout=args.total_timeout,
              output_limit=args.output_limit, quiet=False, log=args.log)
    except UsageError as exc:
        print(f"dlcourse grade: {exc}", file=sys.stderr)
        return 2
    print(f"Gradebook written to {args.out}")
    return 0
