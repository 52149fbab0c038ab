"""Execute the book's notebooks that the execution cache lacks, in parallel (``make book``, step 4).

Run by tools/build-book.sh with the same options as jupyter-book (``--config``, ``--toc``,
``--path-output`` are read; the rest are ignored). It executes, in parallel, the notebooks of the
table of contents that the execution cache does not hold yet, with jupyter-cache's own worker
(the one its ``local-parallel`` executor uses): same cache, same hashing, cwd = the notebook's
folder, the timeout and allow_errors of ``execute:`` in the config, as myst-nb would. myst-nb then
matches each notebook to its cached copy (by the hash of its code and metadata) and merges the
outputs instead of executing it.

The kernels talk to this process over Unix sockets in a private folder (``IPCWorker``), not TCP:
two kernels started at the same moment could otherwise be handed the same free port, and one
of them dies with "Address already in use" (seen in a newcomer build while the grader tests
started kernels beside it).
"""
from __future__ import annotations

import argparse
import concurrent.futures as cf
import functools
import hashlib
import json
import os
import shutil
import sys
import tempfile
import time
from contextlib import nullcontext
from pathlib import Path

import yaml


def toc_files(node):
    """Every ``root``/``file`` entry of a ``_toc.yml`` tree, in order."""
    if isinstance(node, dict):
        for key in ("root", "file"):
            if isinstance(node.get(key), str):
                yield node[key]
        for value in node.values():
            yield from toc_files(value)
    elif isinstance(node, list):
        for value in node:
            yield from toc_files(value)


def kernel_config(folder: str):
    """Kernel channels over Unix sockets in ``folder`` (absolute paths), instead of TCP ports."""
    from traitlets.config import Config

    folder = os.path.realpath(folder)
    return Config({"KernelManager": {"transport": "ipc", "ip": os.path.join(folder, "kernel"),
                                     "connection_file": os.path.join(folder, "kernel.json")}})


WARM = Path(__file__).resolve().parent / "warm_kernel.py"


@functools.lru_cache(maxsize=None)   # one class per process, not one per notebook
def warm_kernel_manager_class():
    """nbclient's kernel manager, starting ``tools/warm_kernel.py launch`` instead of a fresh
    ``python -m ipykernel_launcher`` while a warm process serves at ``$DLCOURSE_WARM_KERNEL``."""
    from jupyter_client.manager import AsyncKernelManager

    class WarmKernelManager(AsyncKernelManager):
        def format_kernel_cmd(self, extra_arguments=None):
            cmd = super().format_kernel_cmd(extra_arguments)
            socket_path = os.environ.get("DLCOURSE_WARM_KERNEL")
            if socket_path and cmd[1:3] == ["-m", "ipykernel_launcher"]:
                return [cmd[0], str(WARM), "launch", socket_path, *cmd[3:]]
            return cmd

    return WarmKernelManager


class WarmKernels:
    """Warm kernels for the time of a ``with`` block: the ``tools/warm_kernel.py serve`` that
    tools/build-book.sh started (``$DLCOURSE_WARM_KERNEL`` names its socket), else one started
    here. Waits until it listens (it imports PyTorch and the rest: seconds), since every kernel
    started before would pay those imports again. If it cannot start, kernels start fresh."""

    def __enter__(self):
        import subprocess

        self.proc = self.folder = None
        path = os.environ.get("DLCOURSE_WARM_KERNEL")
        if not path:
            self.folder = tempfile.mkdtemp(prefix="dlcourse-warm-")
            path = os.path.join(self.folder, "serve.sock")
            self.proc = subprocess.Popen([sys.executable, str(WARM), "serve", path],
                                         stdout=subprocess.DEVNULL)
            os.environ["DLCOURSE_WARM_KERNEL"] = path
        deadline = time.monotonic() + 120
        while not os.path.exists(path + ".ready") and time.monotonic() < deadline:
            if self.proc is not None and self.proc.poll() is not None:
                break
            time.sleep(0.05)
        return os.path.exists(path + ".ready")

    def __exit__(self, *exc):
        if self.proc is None:
            return   # build-book.sh's: it stops it
        os.environ.pop("DLCOURSE_WARM_KERNEL", None)
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except Exception:
                self.proc.kill()
        shutil.rmtree(self.folder, ignore_errors=True)


def _ipc_worker_class():
    from jupyter_cache.executors.basic import ExecutionWorkerLocalMProc
    from jupyter_cache.executors.utils import single_nb_execution

    class IPCWorker(ExecutionWorkerLocalMProc):
        """jupyter-cache's parallel worker (cwd = the notebook's folder), its kernel on Unix
        sockets in a private temporary folder."""

        @staticmethod
        def execute(project_nb, data):
            folder = tempfile.mkdtemp(prefix="dlcourse-kernel-")
            try:
                return single_nb_execution(project_nb.nb, cwd=str(Path(project_nb.uri).parent),
                                           timeout=data.timeout, allow_errors=data.allow_errors,
                                           config=kernel_config(folder),
                                           kernel_manager_class=warm_kernel_manager_class())
            finally:
                shutil.rmtree(folder, ignore_errors=True)

    return IPCWorker


_worker = None


def execute_one(data):
    """Execute and cache one notebook (``data``: jupyter-cache's ``ProcessData``), as
    jupyter-cache's worker does: ``(0, uri)`` when cached, 1 on a cell error, 2 on a failure.
    A module-level function, so the process pool can hand it to its workers by name."""
    global _worker
    if _worker is None:
        _worker = _ipc_worker_class()()
    return _worker(data)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(add_help=False)
    for flag in ("--config", "--toc", "--path-output"):
        parser.add_argument(flag)
    opts, _ = parser.parse_known_args(argv)
    config = yaml.safe_load(Path(opts.config or "_config.yml").read_text(encoding="utf-8")) or {}
    execute = config.get("execute") or {}
    if execute.get("execute_notebooks", "auto") != "cache" or execute.get("run_in_temp"):
        return 0   # only the cache mode (the course's) is executed ahead; myst-nb does the rest
    cache_path = execute.get("cache") or str(Path(opts.path_output or ".") / "_build"
                                             / ".jupyter_cache")
    excluded = execute.get("exclude_patterns") or []

    toc = yaml.safe_load(Path(opts.toc or "_toc.yml").read_text(encoding="utf-8"))
    notebooks = []
    for name in toc_files(toc):
        path = Path(name if name.endswith(".ipynb") else name + ".ipynb")
        if path.is_file() and not any(path.match(p) for p in excluded) and path not in notebooks:
            notebooks.append(path)

    # Fast path for a rebuild: if no notebook changed (byte for byte) since a run that left every
    # one of them in this cache, skip even importing jupyter-cache (a second or more on a busy
    # machine).
    digest = hashlib.sha256(json.dumps([cache_path, execute.get("timeout"),
                                        execute.get("allow_errors")]).encode())
    for path in notebooks:
        digest.update(str(path.resolve()).encode() + b"\0" + path.read_bytes() + b"\0")
    stamp = Path(cache_path) / ".dlcourse-all-executed"   # `make clean` removes it with the cache
    if (Path(cache_path) / "global.db").is_file() and stamp.is_file() \
            and stamp.read_text() == digest.hexdigest():
        print(f"[book] all {len(notebooks)} notebooks are in the execution cache (none changed)",
              file=sys.stderr)
        return 0

    from jupyter_cache import get_cache
    from jupyter_cache.cache.db import NbProjectRecord
    from jupyter_cache.executors.basic import ProcessData

    cache = get_cache(cache_path)
    uris = [str(cache.add_nb_to_project(str(p.resolve())).uri) for p in notebooks]
    todo = cache.list_unexecuted(filter_uris=uris)
    if not todo:
        print(f"[book] all {len(uris)} notebooks are in the execution cache", file=sys.stderr)
        stamp.write_text(digest.hexdigest())
        return 0
    NbProjectRecord.remove_tracebacks([r.pk for r in todo], cache.db)
    # Longest first, so the long chapters start at once and the short exercise notebooks fill the
    # gaps: by the time the cache recorded for an earlier version of the notebook, else by size.
    before = {}
    for record in sorted(cache.list_cache_records(), key=lambda c: c.created):
        before[record.uri] = (record.data or {}).get("execution_seconds") or 0.0
    todo.sort(key=lambda r: (-before.get(r.uri, -1.0), -Path(r.uri).stat().st_size))
    jobs = int(os.environ.get("DLCOURSE_BOOK_JOBS", 0)) or len(os.sched_getaffinity(0))
    jobs = max(1, min(jobs, len(todo)))
    timeout, allow_errors = execute.get("timeout", 30), bool(execute.get("allow_errors", False))
    root = Path.cwd()
    start = time.perf_counter()
    failed = []
    # Warm kernels pay off when notebooks outnumber the cores: with one notebook per core, each
    # fresh kernel's imports run at the same time as the warm process's would, and waiting for
    # it gains nothing. DLCOURSE_BOOK_WARM=0: a fresh kernel for every notebook.
    if os.environ.get("DLCOURSE_BOOK_WARM", "1") != "0" and len(todo) > jobs:
        warm = WarmKernels()
    else:
        os.environ.pop("DLCOURSE_WARM_KERNEL", None)   # build-book.sh's, unused: fresh kernels
        warm = nullcontext()
    with warm as warmed, cf.ProcessPoolExecutor(max_workers=jobs) as pool:
        print(f"[book] executing {len(todo)} of {len(uris)} notebooks, {jobs} at a time"
              + (", in warm kernels (tools/warm_kernel.py)" if warmed else ""), file=sys.stderr)
        futures = {pool.submit(execute_one, ProcessData(r.pk, r.uri, cache, timeout,
                                                        allow_errors)): r for r in todo}
        for future in cf.as_completed(futures):
            uri = futures[future].uri
            code, _ = future.result()
            name = os.path.relpath(uri, root)
            record = cache.get_cached_project_nb(uri) if code == 0 else None
            if record is not None:
                seconds = (record.data or {}).get("execution_seconds", 0.0)
                print(f"[book]   {name}: {seconds:.1f} s", file=sys.stderr)
            elif code == 0:   # cached, but not under the notebook as it is on disk now
                failed.append(name)
                print(f"[book]   {name}: executed, but the notebook on disk no longer matches "
                      "what was executed (changed meanwhile?); the book build runs it again",
                      file=sys.stderr)
            else:
                failed.append(name)
                print(f"[book]   {name}: FAILED (the book build runs it again and shows the "
                      "error)", file=sys.stderr)
    print(f"[book] executed in {time.perf_counter() - start:.1f} s"
          + (f"; failed: {', '.join(failed)}" if failed else ""), file=sys.stderr)
    if not failed:
        stamp.write_text(digest.hexdigest())
    else:
        stamp.unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
