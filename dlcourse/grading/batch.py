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
import csv
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
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

from . import chapters, exercises, sandbox
from .harvest import wall_limit
from .judge import Result, answer_spec, encoded_inputs, expected_values, judge_payload
from .spec import Exercise

__all__ = ["grade", "main", "Row", "chapter_of", "COLUMNS"]

COLUMNS = ["submission", "exercise", "score", "max_score", "status", "feedback"]
_HERE = Path(__file__).resolve().parent
_KERNEL_NAME = "dlcourse-grader"
MAX_HARVEST_FILE = 64 << 20
#: Random tag of the latest batch, set in every worker's (and so kernel's) environment as
#: ``DLCOURSE_GRADE_BATCH``: lets tests and admins find a batch's processes.
LAST_BATCH_ID = ""


@dataclass
class Row:
    submission: str
    exercise: str
    score: float
    max_score: float
    status: str
    feedback: str

    def as_list(self) -> list[Any]:
        return [self.submission, self.exercise, f"{self.score:.3f}".rstrip("0").rstrip("."),
                f"{self.max_score:g}", self.status, self.feedback]


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


def _read_payload(path: Path, nonce: str, ex_id: str) -> dict | None:
    try:
        if not path.is_file() or path.stat().st_size > MAX_HARVEST_FILE:
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
    except Exception:
        return None
    if not isinstance(data, dict) or data.get("nonce") != nonce or data.get("id") != ex_id:
        return None
    return data


def _judge_exercise(ex: Exercise, k: int, report: dict, workdir: Path, nonce: str,
                    expected: dict) -> Result:
    if report.get("fatal_timeout"):
        return Result(ex, "timeout", message="the notebook did not finish within the time limit")
    if "fatal" in report:
        return Result(ex, "error", message=f"the notebook could not be run: {report['fatal']}")
    hs = (report.get("harvest") or {}).get(str(k), "not_run")
    payload = _read_payload(workdir / f"harvest_{nonce}_{k}.json", nonce, ex.id)
    if hs == "timeout":
        return Result(ex, "timeout", message=f"`{ex.name}` ran longer than its limit "
                                             f"({ex.time_limit:g} s of CPU time) on the grader's inputs")
    if hs == "crashed":
        return Result(ex, "crashed", message=f"the kernel died while running `{ex.name}` "
                                             "(os._exit, a crash, or too much memory)")
    if payload is None:
        if hs == "not_run":
            return Result(ex, "crashed", message="the kernel died before the answers could be collected")
        return Result(ex, "error", message=f"the answer `{ex.name}` could not be collected "
                                           "(did the notebook redefine a built-in such as globals?)")
    st = payload.get("status")
    if st == "missing":
        errs = [e for e in report.get("cell_errors", []) if e.get("exercise") == ex.id]
        similar = [str(s)[:40] for s in payload.get("similar", []) if isinstance(s, str)][:3]
        if errs:
            e = errs[0]
            return Result(ex, "error", message=(f"`{ex.name}` is not defined: its answer cell raised "
                                                f"{e['ename']}: {e['evalue']}"))
        died = [c for c in report.get("died_cells", []) if isinstance(c, int)]
        if died:  # e.g. os._exit at top level: the cells after it never defined the answer
            return Result(ex, "crashed", message=(
                f"the kernel died while running cell #{died[0]} (os._exit, a crash or too much "
                f"memory), and no `{ex.name}` was defined without that cell"))
        msg = f"no `{ex.name}` is defined in the notebook"
        if similar:
            msg += f" (found {', '.join(similar)}: renamed?)"
        return Result(ex, "missing", message=msg)
    cases, exp = expected[ex.id]
    return judge_payload(ex, payload, cases, exp)


def _grade_one(sub: str, chapter: str | None, exs: list[Exercise], expected: dict, kroot: Path,
               opts: dict) -> list[Row]:
    if not exs:
        why = ("cannot tell which chapter this notebook belongs to (no dlcourse.chapter metadata, "
               "no NN_ file name prefix)") if chapter is None else f"chapter {chapter} has no exercises"
        return [Row(sub, "", 0.0, 0.0, "error", why)]
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
                res = _judge_exercise(ex, k, report, workdir, nonce, expected)
            except Exception as exc:  # never let one odd answer stop the batch
                res = Result(ex, "error", message=f"could not judge ({type(exc).__name__}: {exc})")
            fb = res.feedback()
            if res.status != "passed" and extra:
                fb = (fb + "; notebook: " + "; ".join(extra))[:600]
            rows.append(Row(sub, ex.id, float(res.score), float(ex.points), res.status, fb))
        if logdir:
            _log_submission(opts, sub, report, rows, own_log)
        return rows
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


_LOG_LOCK = threading.Lock()


def _log_submission(opts: dict, sub: str, report: dict, rows: Sequence[Row], own_log: str | None) -> None:
    """Append one block to the ``--log`` file: which submission, what happened to it, then the
    lines its worker and kernels wrote (kernel warnings), indented under its name."""
    lines = [f"=== {sub}"]
    if report.get("fatal_timeout"):
        lines.append("  the worker ran past its wall-clock backstop and was stopped")
    if "fatal" in report:
        lines.append(f"  could not be run: {str(report['fatal'])[:300]}")
    lines.append(f"  time: {report.get('wall', 0):g} s wall, {report.get('kernel_cpu', 0):g} s kernel CPU, "
                 f"{report.get('kernel_starts', 0)} kernel start(s)")
    for n in report.get("notes") or []:
        lines.append(f"  {str(n)[:300]}")
    if report.get("truncated"):
        lines.append(f"  printed output truncated at the limit ({opts['output_limit']} bytes)")
    for e in report.get("cell_errors") or []:
        if e.get("ename") == "MemoryError":
            lines.append(f"  cell #{e.get('cell')}: MemoryError (over the kernel's memory cap)")
    for r in rows:
        lines.append(f"  {r.exercise or '-'}: {r.status} {r.score:g}/{r.max_score:g}")
    text = "\n".join(lines) + "\n"
    if own_log:
        try:
            with open(own_log, encoding="utf-8", errors="replace") as fh:
                raw = fh.read(64 << 10)
            if raw.strip():
                text += "  --- worker and kernel messages:\n"
                text += "".join(f"  | {ln}\n" for ln in raw.splitlines()[:200])
        except OSError:
            pass
    with _LOG_LOCK, open(opts["log"], "a", encoding="utf-8") as fh:
        fh.write(text)


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


def write_csv(rows: Sequence[Row], out: str | os.PathLike) -> None:
    """Write the gradebook atomically: a temporary file in the same folder, then os.replace."""
    out_p = Path(out)
    fd, tmp = tempfile.mkstemp(prefix=".grades-", suffix=".csv", dir=str(out_p.resolve().parent))
    try:
        with os.fdopen(fd, "w", newline="", encoding="utf-8") as fh:
            wr = csv.writer(fh)
            wr.writerow(COLUMNS)
            for r in rows:
                wr.writerow(r.as_list())
        os.replace(tmp, out_p)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def summary(rows: Sequence[Row], elapsed: float, n_subs: int) -> str:
    by_sub: dict[str, list[Row]] = {}
    for r in rows:
        by_sub.setdefault(r.submission, []).append(r)
    lines = [f"Graded {n_subs} submission(s) in {elapsed:.1f} s "
             f"({elapsed / max(n_subs, 1):.1f} s per submission)."]
    width = max(len(s) for s in by_sub) if by_sub else 10
    for s, rs in by_sub.items():
        got = sum(r.score for r in rs)
        best = sum(r.max_score for r in rs)
        counts: dict[str, int] = {}
        for r in rs:
            counts[r.status] = counts.get(r.status, 0) + 1
        detail = ", ".join(f"{n} {st}" for st, n in sorted(counts.items()))
        lines.append(f"  {s:<{width}}  {got:g}/{best:g}  ({detail})")
    return "\n".join(lines)


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
