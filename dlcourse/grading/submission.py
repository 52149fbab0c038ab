r"""One submission of ``dlcourse grade``: run it in a confined worker, judge it into rows.

Steps 2-5 of how a submission is graded (the whole list is in batch.py's docstring):

2. The grader computes the expected values **in its own process**, before any learner code runs
   (roster.make_plan); :func:`grade_one` gets them as ``expected``.
3. The submission is copied (never modified) into a fresh temporary folder and executed by a
   worker process (``_worker.py``, its own process group; forked by the batch's
   :class:`WorkerZygote`, else started afresh) in a new Jupyter kernel started
   through a temporary kernelspec (:func:`make_kernelspec`) whose launcher caps the kernel's
   memory (``RLIMIT_AS``) and confines it (forked, with the same cap and confinement, from a
   process of the worker's that has imported ipykernel and NumPy: ``_kernel_forker.py``;
   ``DLCOURSE_GRADE_WARM_KERNEL=0`` starts each afresh). Each cell has a timeout, errors are allowed, the whole notebook has
   a time limit, captured output is capped.
4. After the learner's cells, one harvest cell per exercise calls the learner's ``name`` on the
   grader's inputs (sent as plain JSON data) under its own timer and writes the outputs as JSON.
5. Back in the grader's process the outputs are decoded strictly (no pickle) and judged
   (gradebook.judge_exercise, the same code ``check()`` uses). Nothing the notebook does to
   NumPy, to ``check`` or to the checker can change that verdict. The rows' feedback is in the
   submission's language (:mod:`dlcourse.i18n`), as its own check cells show it.
"""
from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Sequence

from .. import i18n
from . import sandbox
from .feedback import detail_of
from .gradebook import Row, judge_exercise, log_submission
from .harvest import wall_limit
from .judge import Result, answer_spec, encoded_inputs
from .spec import Exercise

__all__ = ["KERNEL_NAME", "make_kernelspec", "grade_one", "WorkerZygote"]

_HERE = Path(__file__).resolve().parent
KERNEL_NAME = "dlcourse-grader"


def make_kernelspec(root: Path, memory_mb: int) -> Path:
    """Write the grader's kernelspec under ``root`` (a Jupyter path) and return ``root``."""
    kdir = root / "kernels" / KERNEL_NAME
    kdir.mkdir(parents=True, exist_ok=True)
    spec = {
        "argv": [sys.executable, str(_HERE / "_launcher.py"), str(int(memory_mb)), "-f",
                 "{connection_file}"],
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
    return [{**answer_spec(ex),
             "cases": encoded_inputs(expected[ex.id][0]) if ex.kind == "function" else []}
            for ex in exs]


class WorkerZygote:
    """The batch's worker zygote (``_zygote.py``): a process, started once per batch, that has
    imported what a worker needs and forks one per submission (a third of a submission's CPU
    time went into a fresh worker's imports). Started on first use; when it cannot start or
    fork, :func:`_run_worker` starts ``_worker.py`` itself. ``DLCOURSE_GRADE_ZYGOTE=0``: never
    use it. Shared by the batch's threads; :meth:`close` ends it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sock: socket.socket | None = None
        self._proc: subprocess.Popen | None = None
        self._broken = os.environ.get("DLCOURSE_GRADE_ZYGOTE", "1") == "0"

    def _start(self) -> None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        try:
            self._proc = subprocess.Popen(
                [sys.executable, str(_HERE / "_zygote.py"), str(theirs.fileno())],
                pass_fds=(theirs.fileno(),), start_new_session=True, stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        finally:
            theirs.close()
        ours.settimeout(120)
        if json.loads(ours.recv(256) or b"{}").get("ready") is not True:
            raise OSError("the worker zygote did not start")
        self._sock = ours

    def spawn(self, job_path: Path, result_fd: int, log_fd: int, cwd: Path, env: dict):
        """Fork a worker for ``job_path``: ``(pid, answer socket)``, or None (start one)."""
        answer, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        try:
            with self._lock:
                if self._broken:
                    raise OSError("no zygote")
                if self._sock is None:
                    try:
                        self._start()
                    except (OSError, ValueError):
                        self._broken = True
                        raise
                request = json.dumps({"job": str(job_path), "cwd": str(cwd), "env": env}).encode()
                socket.send_fds(self._sock, [request], [result_fd, log_fd, theirs.fileno()])
            answer.settimeout(60)
            said = json.loads(answer.recv(4096) or b"{}")
            if not isinstance(said.get("pid"), int):
                raise OSError(str(said.get("error", "the zygote did not fork")))
            return said["pid"], answer
        except (OSError, ValueError):
            answer.close()
            return None
        finally:
            theirs.close()

    def close(self) -> None:
        with self._lock:
            self._broken = True
            if self._sock is not None:
                self._sock.close()  # the zygote ends once its workers have ended
            if self._proc is not None:
                try:
                    self._proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    self._proc.kill()
                    self._proc.wait()


def _run_worker(job: dict, workdir: Path, hard_limit: float, log_path: str | None,
                zygote: WorkerZygote | None = None) -> dict:
    """Run ``_worker.py`` on ``job`` (forked by ``zygote`` when it can, else started afresh)
    and return its JSON report (read from a pipe, capped)."""
    job_path = workdir / "job.json"
    job_path.write_text(json.dumps(job), encoding="utf-8")
    env = {**os.environ, "DLCOURSE_GRADE_BATCH": job.get("batch_id", ""),
           "DLCOURSE_SANDBOX_DENY": job.get("deny", "")}
    r, w = os.pipe()
    # this submission's own log
    err = os.open(log_path or os.devnull, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    proc = forked = None
    try:
        forked = zygote.spawn(job_path, w, err, workdir, env) if zygote is not None else None
        if forked is None:
            proc = subprocess.Popen(
                [sys.executable, str(_HERE / "_worker.py"), str(job_path), str(w)],
                pass_fds=(w,), start_new_session=True, stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL, stderr=err, cwd=str(workdir), env=env)
    finally:
        os.close(w)
        os.close(err)
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
    if forked is not None:
        timed_out, status = _wait_forked(*forked, reader, hard_limit)
    else:
        timed_out, status = _wait_then_end(proc, hard_limit), proc.returncode
    reader.join(timeout=5)
    if timed_out:
        return {"fatal_timeout": True}
    try:
        return json.loads(b"".join(chunks).decode("utf-8"))
    except Exception:
        return {"fatal": "the grader's worker stopped without a report "
                         f"(exit status {status})"}


def _wait_forked(pid: int, answer: socket.socket, reader: threading.Thread,
                 hard_limit: float) -> tuple[bool, int | None]:
    """As :func:`_wait_then_end` for a worker the zygote forked: wait until its report pipe
    closes (it has ended) or ``hard_limit`` seconds, then end everything it started; (ran out
    of time, its exit status as the zygote saw it, or None)."""
    reader.join(timeout=hard_limit)
    timed_out = reader.is_alive()
    sandbox.kill_tree(pid)
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    status = None
    try:
        answer.settimeout(30)
        said = json.loads(answer.recv(4096) or b"{}")
        status = os.waitstatus_to_exitcode(said["status"]) if "status" in said else None
    except (OSError, ValueError):
        pass
    finally:
        answer.close()
    return timed_out, status


def _wait_then_end(proc: subprocess.Popen, hard_limit: float) -> bool:
    """Wait for the worker up to ``hard_limit`` seconds, then end it and everything it started;
    True when it ran out of time."""
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
    return timed_out


def _job(workdir: Path, exs: Sequence[Exercise], nonce: str, kroot: Path, opts: dict) -> dict:
    """The worker's instructions for one submission copied into ``workdir``."""
    return {
        "notebook": str(workdir / "submission.ipynb"), "workdir": str(workdir),
        "inputs": str(workdir / "inputs.json"), "nonce": nonce, "kernel_name": KERNEL_NAME,
        "jupyter_path": str(kroot), "harvest_limits": [float(ex.time_limit) for ex in exs],
        "cell_timeout": float(opts["timeout"]), "total_timeout": float(opts["total_timeout"]),
        "output_limit": int(opts["output_limit"]), "harvest_source": opts["harvest_source"],
        "batch_id": opts["batch_id"], "deny": opts["deny"],
    }


def _not_run(sub: str, chapter: str | None, opts: dict) -> list[Row]:
    """The one row of a submission with no exercise to grade, saying why."""
    why = ("cannot tell which chapter this notebook belongs to (no dlcourse.chapter metadata, "
           "no NN_ file name prefix)") if chapter is None else f"chapter {chapter} has no exercises"
    rows = [Row(sub, "", 0.0, 0.0, "error", why)]
    if opts.get("log"):
        log_submission(opts, sub, {"notes": [f"not run: {why}"]}, rows, None)
    return rows


def grade_one(sub: str, chapter: str | None, exs: list[Exercise], expected: dict, kroot: Path,
              opts: dict, cached: Sequence[Row] = ()) -> list[Row]:
    """Run ``sub`` and judge its exercises ``exs``: one row each. ``opts``: the run's limits and
    settings (batch.py); ``cached``: its rows from the result cache, named in the log."""
    if not exs:
        return _not_run(sub, chapter, opts)
    workdir = Path(tempfile.mkdtemp(prefix="dlcourse-grade-"))
    logdir = Path(opts["logdir"]) if opts.get("logdir") else None
    try:
        nonce = secrets.token_hex(12)
        shutil.copyfile(sub, workdir / "submission.ipynb")
        (workdir / "inputs.json").write_text(json.dumps(_inputs_for(exs, expected)),
                                             encoding="utf-8")
        # CPU-time limits are enforced by the worker; this wall-clock backstop only catches a
        # worker that stopped making progress (generous: a loaded machine is slow, not stuck)
        hard = (wall_limit(opts["total_timeout"])
                + sum(wall_limit(ex.time_limit) + 30.0 for ex in exs) + 120.0)
        t0 = time.monotonic()
        own_log = str(logdir / f"{workdir.name}.log") if logdir else None
        report = _run_worker(_job(workdir, exs, nonce, kroot, opts), workdir, hard, own_log,
                             opts.get("zygote"))
        report["wall"] = round(time.monotonic() - t0, 1)
        # the feedback column in the submission's language, as its own check cell shows it
        with i18n.using(i18n.notebook_language(sub) or opts.get("language") or i18n.language()):
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
            notes = "; ".join(extra)
            fb = (fb + "; " + i18n.tr(f"notebook: {notes}"))[:600]
        row = Row(sub, ex.id, float(res.score), float(ex.points), res.status, fb)
        row.detail = {**detail_of(res), "fatal": bool(report.get("fatal_timeout")
                                                      or "fatal" in report)}
        rows.append(row)
    return rows
