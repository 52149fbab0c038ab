"""Execute one submission in a new, capped kernel and harvest its answers (batch grader worker).

Run as a script by :mod:`dlcourse.grading.submission`, one process per submission, each the
leader of its own process group: ``python _worker.py JOB.json RESULT_FD``. It imports no part
of ``dlcourse`` (only nbclient/nbformat), executes the learner's code cells with a per-cell
timeout and a limit for the whole notebook, then one harvest cell per exercise, and reports
what happened through a pipe the kernel cannot see. It makes no verdict.

Its kernels are forked from a process it forks first thing, before it reads its job
(``_kernel_forker.py``: ipykernel and NumPy imported once, then each kernel capped and
confined as ``_launcher.py`` does it); where that cannot be, they are started afresh.

Recovery: a cell that times out is interrupted; if the kernel does not come back (a loop that
swallows KeyboardInterrupt), or the kernel dies (``os._exit``, memory), the kernel is replaced,
the learner's cells are run again without the culprit, and harvesting goes on where it stopped.

One file of about 350 lines on purpose: it runs as a script that imports nothing of
``dlcourse`` (its own folder is even taken off ``sys.path``, so that ``spec.py`` and the like
never shadow real modules), so its helpers cannot live in sibling modules it imports.
"""
from __future__ import annotations

import os
import sys

if sys.path and os.path.abspath(sys.path[0]) == os.path.dirname(os.path.abspath(__file__)):
    sys.path.pop(0)  # this folder holds spec.py, progress.py...: never shadow real modules

import asyncio  # noqa: E402
import json  # noqa: E402
import signal  # noqa: E402
import time  # noqa: E402

import nbformat  # noqa: E402
from nbclient import NotebookClient  # noqa: E402
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from traitlets.config import Config  # noqa: E402

MAX_KERNELS = 4


def _load_sibling(filename: str, name: str):
    """A file of this folder as a module, by its path (this script imports no package)."""
    import importlib.util

    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), filename)
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


sandbox = _load_sibling("sandbox.py", "_dlcourse_sandbox")
kernel_forker = _load_sibling("_kernel_forker.py", "_dlcourse_kernel_forker")


def _kernel_config(workdir: str) -> Config:
    """Kernel channels over Unix sockets in the submission's folder (absolute paths), so that
    the confined kernel needs no TCP at all (see sandbox.py)."""
    workdir = os.path.realpath(workdir)
    return Config({"KernelManager": {"transport": "ipc", "ip": os.path.join(workdir, "kernel"),
                                     "connection_file": os.path.join(workdir, "kernel.json")}})


class _CappedClient(NotebookClient):
    """A NotebookClient that keeps at most ``output_limit`` bytes of captured output."""

    def __init__(self, nb, output_limit: int, **kw):
        super().__init__(nb, **kw)
        self._output_limit = output_limit
        self._output_bytes = 0
        self.truncated = False

    def output(self, outs, msg, display_id, cell_index):
        content = msg.get("content", {})
        size = len(content.get("text", "")) if isinstance(content.get("text"), str) else 0
        for v in (content.get("data") or {}).values():
            size += len(v) if isinstance(v, str) else 200
        size += len(str(content.get("evalue", ""))) + 100
        self._output_bytes += size
        if self._output_bytes > self._output_limit:
            self.truncated = True
            return None
        return super().output(outs, msg, display_id, cell_index)


_FORKER: set[int] = set()  # the kernel forker's pid (main() starts it): it outlives each kernel


def _kill_kernel_group(client) -> None:
    try:
        proc = client.km.provisioner.process  # LocalProvisioner's Popen
        os.killpg(proc.pid, signal.SIGKILL)
    except Exception:
        pass
    # and whatever escaped the group (setsid, double fork): this worker is their subreaper. The
    # forker is spared (the next kernel is forked from it, and it reports this one's end); all
    # below it is not.
    sandbox.kill_tree(os.getpid(), spare=frozenset(_FORKER))


# ------------------------------------------------------------------ CPU-time limits (judging)
WALL_FACTOR, WALL_SLACK = 10.0, 2.0  # as harvest.py: a wall-clock backstop of a CPU limit
HARVEST_CPU_GRACE = 3.0  # CPU seconds past an answer's limit before the kernel is stopped
PROBE_CPU = 2.0  # CPU seconds an interrupted kernel may burn before it counts as deaf
_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _wall(cpu_seconds: float) -> float:
    return WALL_FACTOR * float(cpu_seconds) + WALL_SLACK


def _kernel_cpu(client) -> float | None:
    """CPU seconds the kernel process has used (user + system, all threads), from /proc."""
    try:
        pid = client.km.provisioner.process.pid
        with open(f"/proc/{pid}/stat", "rb") as fh:
            fields = fh.read().rsplit(b")", 1)[1].split()
        return sum(int(x) for x in fields[11:15]) / _TICK  # utime stime cutime cstime
    except Exception:
        return None


async def _execute(client, cell, idx: int, cpu_limit: float) -> None:
    """Execute one cell; raise ``CellTimeoutError`` once the kernel has spent ``cpu_limit`` CPU
    seconds on it (the same verdict on a quiet and on a loaded machine). nbclient's own timeout
    (``timeout_func``) is the wall-clock backstop."""
    c0 = _kernel_cpu(client)
    task = asyncio.ensure_future(client.async_execute_cell(cell, idx))
    while True:
        finished, _ = await asyncio.wait({task}, timeout=0.2)
        if finished:
            task.result()
            return
        c = _kernel_cpu(client)
        if c0 is not None and c is not None and c - c0 > cpu_limit:
            task.cancel()
            try:
                await task
            except BaseException:
                pass
            raise CellTimeoutError(f"the cell used more than {cpu_limit:g} s of CPU time")


def _harvest_cell(k: int, job: dict) -> str:
    return (
        "__dlc_ns = {'__name__': 'dlcourse_harvest'}\n"
        f"exec(compile({job['harvest_source']!r}, 'dlcourse-harvest', 'exec'), __dlc_ns)\n"
        f"__dlc_ns['harvest_one'](globals(), {job['inputs']!r}, {k}, "
        f"{os.path.join(job['workdir'], 'harvest_%s_%d.json' % (job['nonce'], k))!r}, {job['nonce']!r})\n"
        "del __dlc_ns\n"
    )


def _learner_cells(path: str) -> list[tuple[str, str | None]]:
    """``(source, exercise id or None)`` of every code cell of the submitted notebook."""
    learner = []
    for c in nbformat.read(path, as_version=4).cells:
        if c.get("cell_type") != "code":
            continue
        ex = (c.get("metadata", {}).get("dlcourse") or {}).get("exercise")
        learner.append((c.get("source", ""), ex if isinstance(ex, str) else None))
    return learner


def _grading_notebook(job: dict, learner: list, n_ex: int):
    """The notebook a kernel runs: the learner's code cells, then one harvest cell per exercise."""
    cells = [nbformat.v4.new_code_cell(s) for s, _ in learner]
    cells += [nbformat.v4.new_code_cell(_harvest_cell(k, job)) for k in range(n_ex)]
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": job["kernel_name"], "display_name": "grader",
                                 "language": "python"}
    return nb


def _client(nb, job: dict, timeouts: dict[int, float]) -> _CappedClient:
    """An nbclient for ``nb`` in the submission's folder: output capped, each cell's wall-clock
    backstop read from ``timeouts``, the kernel's channels on Unix sockets."""
    return _CappedClient(
        nb, int(job["output_limit"]), kernel_name=job["kernel_name"], allow_errors=True,
        interrupt_on_timeout=False, startup_timeout=120, iopub_timeout=15,
        shutdown_kernel="immediate", record_timing=False,
        resources={"metadata": {"path": job["workdir"]}}, config=_kernel_config(job["workdir"]),
        timeout_func=lambda cell: timeouts.get(id(cell)),
    )


async def _interrupted_kernel_answers(client, idx: int, timeouts: dict[int, float]) -> bool:
    """Interrupt the kernel after a time-out; True if it then runs ``pass`` (False: it ignored
    the interrupt, by waiting or by computing, or died)."""
    try:
        await client.km.interrupt_kernel()
    except Exception:
        pass
    probe = nbformat.v4.new_code_cell("pass")
    timeouts[id(probe)] = 30.0  # wall backstop: a kernel that waits
    try:
        await _execute(client, probe, idx, PROBE_CPU)  # one that computes
    except (CellTimeoutError, DeadKernelError):
        return False
    return True


def _first_error(cell, idx: int, exercise: str | None) -> list[dict]:
    """The first error output of a learner's cell, as a log entry (or none)."""
    for out in cell.get("outputs", []):
        if out.get("output_type") == "error":
            return [{"cell": idx + 1, "exercise": exercise,
                     "ename": str(out.get("ename", ""))[:100],
                     "evalue": str(out.get("evalue", ""))[:300]}]
    return []


async def _run(job: dict) -> dict:
    """Run the submission's cells, then its harvest cells, in up to ``MAX_KERNELS`` kernels;
    what happened, as the report ``submission.py`` reads.

    (Over 60 lines on purpose: one loop over kernels and cells whose recovery paths, a cell out
    of time, an interrupt ignored, a kernel dead, share the run's deadlines, skips and report;
    the pieces that stand alone are the helpers above.)
    """
    start = time.monotonic()
    total = float(job["total_timeout"])
    limits = [float(x) for x in job["harvest_limits"]]
    # limits are CPU time: the learner's cells share ``total`` CPU seconds (per kernel run),
    # each at most ``cell_timeout``; the wall-clock deadlines are only generous backstops
    harvest_reserve = sum(_wall(x) + 30.0 for x in limits) + 10.0
    learner_deadline = start + _wall(total)
    hard_deadline = start + _wall(total) + harvest_reserve

    learner = _learner_cells(job["notebook"])
    n_learner = len(learner)
    n_ex = len(limits)

    report = {"notes": [], "harvest": {}, "cell_errors": [], "truncated": False,
              "kernel_starts": 0, "kernels_forked": 0, "learner_cells": n_learner,
              "died_cells": [], "kernel_cpu": 0.0}
    skip: set[int] = set()
    done: set[int] = set()  # harvest indices finished (file written or status decided)
    died = False
    deadline_noted = False

    for attempt in range(MAX_KERNELS):
        nb = _grading_notebook(job, learner, n_ex)
        timeouts: dict[int, float] = {}  # id(cell) -> its wall-clock backstop (seconds)
        client = _client(nb, job, timeouts)
        report["kernel_starts"] += 1
        restart = False
        learner_cpu = 0.0  # CPU seconds the learner's cells used in this kernel
        cpu_at_exit = None
        try:
            async with client.async_setup_kernel():
                if isinstance(client.km.provisioner.process, kernel_forker.ForkedKernel):
                    report["kernels_forked"] += 1
                for idx, cell in enumerate(nb.cells):
                    is_h = idx >= n_learner
                    k = idx - n_learner
                    if idx in skip or (is_h and k in done):
                        continue
                    now = time.monotonic()
                    if not is_h:
                        left = total - learner_cpu
                        if now >= learner_deadline or left <= 0:
                            if not deadline_noted:
                                deadline_noted = True
                                report["notes"].append(
                                    f"the notebook ran past its time limit ({total:g} s of CPU time); "
                                    f"cells from #{idx + 1} on were skipped")
                            continue
                        cpu_limit = max(0.5, min(float(job["cell_timeout"]), left))
                        timeouts[id(cell)] = max(1.0, min(_wall(cpu_limit), learner_deadline - now))
                    else:
                        if now >= hard_deadline:
                            report["harvest"][k] = "timeout"
                            done.add(k)
                            continue
                        cpu_limit = limits[k] + HARVEST_CPU_GRACE  # harvest.py's timer fires first
                        timeouts[id(cell)] = _wall(limits[k]) + 30.0
                    c0 = _kernel_cpu(client)
                    try:
                        await _execute(client, cell, idx, cpu_limit)
                    except CellTimeoutError:
                        if not is_h:
                            learner_cpu += cpu_limit
                            report["notes"].append(f"cell #{idx + 1} ran out of time and was interrupted")
                        else:
                            report["harvest"][k] = "timeout"
                            done.add(k)
                        if not await _interrupted_kernel_answers(client, idx, timeouts):
                            skip.add(idx)
                            report["notes"].append(
                                f"cell #{idx + 1} ignored the interrupt; the kernel was restarted without it"
                                if not is_h else "an answer ignored the interrupt; the kernel was restarted")
                            restart = True
                            break
                        nb.cells[idx] = cell
                        continue
                    except DeadKernelError:
                        skip.add(idx)
                        died = True
                        if is_h:
                            report["harvest"][k] = "crashed"
                            done.add(k)
                        else:
                            report["notes"].append(f"the kernel died while running cell #{idx + 1}; "
                                                   "it was restarted and that cell skipped")
                            report["died_cells"].append(idx + 1)
                            died = True
                        restart = True
                        break
                    c1 = _kernel_cpu(client)
                    if not is_h and c0 is not None and c1 is not None:
                        learner_cpu += c1 - c0
                    if is_h:
                        report["harvest"][k] = "done"
                        done.add(k)
                    else:
                        report["cell_errors"] += _first_error(cell, idx, learner[idx][1])
                cpu_at_exit = _kernel_cpu(client)
                _kill_kernel_group(client)
        except (DeadKernelError, RuntimeError, TimeoutError, OSError) as exc:
            report["notes"].append(f"kernel problem: {type(exc).__name__}: {str(exc)[:200]}")
            restart = True
            if report["kernel_starts"] == 1 and not done and not skip:
                # the kernel could not even start: no point in trying again
                break
        finally:
            if cpu_at_exit is None:
                cpu_at_exit = _kernel_cpu(client)
            report["kernel_cpu"] = round(report["kernel_cpu"] + (cpu_at_exit or 0.0), 2)
            _kill_kernel_group(client)
            report["truncated"] = report["truncated"] or client.truncated
        if not restart or len(done) == n_ex:
            break
        if time.monotonic() > hard_deadline:
            break
    for k in range(n_ex):
        if k not in report["harvest"]:
            report["harvest"][k] = "crashed" if died else "not_run"
    report["harvest"] = {str(k): v for k, v in report["harvest"].items()}
    report["seconds"] = round(time.monotonic() - start, 3)
    return report


def _fork_kernels_from(forker) -> None:
    """Have jupyter_client start the grader's kernels through ``forker`` (_kernel_forker.py)."""
    import functools

    from jupyter_client.provisioning import local_provisioner

    fresh = local_provisioner.launch_kernel
    local_provisioner.launch_kernel = functools.partial(kernel_forker.launch, forker, fresh)


def main() -> int:
    # first, before the job is read: the process the kernels are forked from sees none of it
    forker = kernel_forker.start()
    if forker is not None:
        _FORKER.add(forker.pid)
        _fork_kernels_from(forker)
    job_path, fd = sys.argv[1], int(sys.argv[2])
    with open(job_path, encoding="utf-8") as fh:
        job = json.load(fh)
    os.environ["JUPYTER_PATH"] = job["jupyter_path"]
    # the kernel's launcher confines it to this folder; its connection file is written here
    os.environ["DLCOURSE_SANDBOX_DIR"] = job["workdir"]
    os.environ["JUPYTER_RUNTIME_DIR"] = job["workdir"]
    os.environ["IPYTHONDIR"] = os.path.join(job["workdir"], "ipython")  # not in the teacher's home
    sandbox.become_subreaper()  # orphans of the kernel's processes come back to this worker
    try:
        report = asyncio.run(_run(job))
    except Exception as exc:  # report the grader's own failure rather than die silently
        report = {"fatal": f"{type(exc).__name__}: {exc}"[:500]}
    finally:
        if forker is not None:
            forker.close()
        sandbox.kill_tree(os.getpid())  # nothing the submission started outlives it
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(report, out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
