"""Execute one submission in a fresh, capped kernel and harvest its answers (batch grader worker).

Run as a script by :mod:`dlcourse.grading.batch`, one process per submission, each the leader of
its own process group: ``python _worker.py JOB.json RESULT_FD``. It imports no part of
``dlcourse`` (only nbclient/nbformat), executes the learner's code cells with a per-cell
timeout and a limit for the whole notebook, then one harvest cell per exercise, and reports
what happened through a pipe the kernel cannot see. It makes no verdict.

Recovery: a cell that times out is interrupted; if the kernel does not come back (a loop that
swallows KeyboardInterrupt), or the kernel dies (``os._exit``, memory), the kernel is replaced,
the learner's cells are run again without the culprit, and harvesting goes on where it stopped.
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

MAX_KERNELS = 4


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


def _kill_kernel_group(client) -> None:
    try:
        proc = client.km.provisioner.process  # LocalProvisioner's Popen
        os.killpg(proc.pid, signal.SIGKILL)
    except Exception:
        pass


def _harvest_cell(k: int, job: dict) -> str:
    return (
        "__dlc_ns = {'__name__': 'dlcourse_harvest'}\n"
        f"exec(compile({job['harvest_source']!r}, 'dlcourse-harvest', 'exec'), __dlc_ns)\n"
        f"__dlc_ns['harvest_one'](globals(), {job['inputs']!r}, {k}, "
        f"{os.path.join(job['workdir'], 'harvest_%s_%d.json' % (job['nonce'], k))!r}, {job['nonce']!r})\n"
        "del __dlc_ns\n"
    )


async def _run(job: dict) -> dict:
    start = time.monotonic()
    total = float(job["total_timeout"])
    limits = [float(x) for x in job["harvest_limits"]]
    harvest_reserve = sum(limits) + 5.0 * len(limits) + 10.0
    learner_deadline = start + max(total - harvest_reserve, total * 0.5)
    hard_deadline = start + total + harvest_reserve

    src = nbformat.read(job["notebook"], as_version=4)
    learner = []
    for c in src.cells:
        if c.get("cell_type") != "code":
            continue
        ex = (c.get("metadata", {}).get("dlcourse") or {}).get("exercise")
        learner.append((c.get("source", ""), ex if isinstance(ex, str) else None))
    n_learner = len(learner)
    n_ex = len(limits)

    report = {"notes": [], "harvest": {}, "cell_errors": [], "truncated": False,
              "kernel_starts": 0, "learner_cells": n_learner}
    skip: set[int] = set()
    done: set[int] = set()  # harvest indices finished (file written or status decided)
    died = False
    deadline_noted = False

    for attempt in range(MAX_KERNELS):
        cells = [nbformat.v4.new_code_cell(s) for s, _ in learner]
        cells += [nbformat.v4.new_code_cell(_harvest_cell(k, job)) for k in range(n_ex)]
        nb = nbformat.v4.new_notebook(cells=cells)
        nb.metadata["kernelspec"] = {"name": job["kernel_name"], "display_name": "grader", "language": "python"}
        timeouts: dict[int, float] = {}
        client = _CappedClient(
            nb, int(job["output_limit"]), kernel_name=job["kernel_name"], allow_errors=True,
            interrupt_on_timeout=False, startup_timeout=60, iopub_timeout=4,
            shutdown_kernel="immediate", record_timing=False,
            resources={"metadata": {"path": job["workdir"]}},
            timeout_func=lambda cell: timeouts.get(id(cell)),
        )
        report["kernel_starts"] += 1
        restart = False
        try:
            async with client.async_setup_kernel():
                for idx, cell in enumerate(nb.cells):
                    is_h = idx >= n_learner
                    k = idx - n_learner
                    if idx in skip or (is_h and k in done):
                        continue
                    now = time.monotonic()
                    if not is_h:
                        if now >= learner_deadline:
                            if not deadline_noted:
                                deadline_noted = True
                                report["notes"].append(
                                    f"the notebook ran past its time limit; cells from #{idx + 1} on were skipped")
                            continue
                        timeouts[id(cell)] = max(1.0, min(float(job["cell_timeout"]), learner_deadline - now))
                    else:
                        if now >= hard_deadline:
                            report["harvest"][k] = "timeout"
                            done.add(k)
                            continue
                        timeouts[id(cell)] = limits[k] + 5.0
                    try:
                        await client.async_execute_cell(cell, idx)
                    except CellTimeoutError:
                        if not is_h:
                            report["notes"].append(f"cell #{idx + 1} ran out of time and was interrupted")
                        else:
                            report["harvest"][k] = "timeout"
                            done.add(k)
                        # interrupt, then see whether the kernel answers again
                        try:
                            await client.km.interrupt_kernel()
                        except Exception:
                            pass
                        probe = nbformat.v4.new_code_cell("pass")
                        timeouts[id(probe)] = 5.0
                        try:
                            await client.async_execute_cell(probe, idx)
                        except (CellTimeoutError, DeadKernelError):
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
                            died = True
                        restart = True
                        break
                    if is_h:
                        report["harvest"][k] = "done"
                        done.add(k)
                    else:
                        for out in cell.get("outputs", []):
                            if out.get("output_type") == "error":
                                report["cell_errors"].append({
                                    "cell": idx + 1, "exercise": learner[idx][1],
                                    "ename": str(out.get("ename", ""))[:100],
                                    "evalue": str(out.get("evalue", ""))[:300]})
                                break
                _kill_kernel_group(client)
        except (DeadKernelError, RuntimeError, TimeoutError, OSError) as exc:
            report["notes"].append(f"kernel problem: {type(exc).__name__}: {str(exc)[:200]}")
            restart = True
            if report["kernel_starts"] == 1 and not done and not skip:
                # the kernel could not even start: no point in trying again
                break
        finally:
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


def main() -> int:
    job_path, fd = sys.argv[1], int(sys.argv[2])
    with open(job_path, encoding="utf-8") as fh:
        job = json.load(fh)
    os.environ["JUPYTER_PATH"] = job["jupyter_path"]
    try:
        report = asyncio.run(_run(job))
    except Exception as exc:  # report the grader's own failure rather than die silently
        report = {"fatal": f"{type(exc).__name__}: {exc}"[:500]}
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(report, out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
