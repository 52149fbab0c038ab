"""Warm kernels for the book build: each notebook's kernel is forked from a process that has
already imported what every chapter imports (ipykernel, NumPy, PyTorch, Matplotlib).

A fresh kernel spends a second or more starting ipykernel and importing PyTorch and Matplotlib
before the notebook's own work begins: with 22 notebooks, about a third of the cold build's
execution time went into the same imports, repeated. tools/build-book.sh starts one ``serve``
process per build, before its set-up steps, so that the imports overlap them (or
tools/execute_notebooks.py starts it when run alone); each kernel the build starts is
``launch``, a small stand-in that asks it for a kernel:

* ``serve SOCKET``: imports the modules in ``PRELOAD``, listens on the Unix socket, creates
  ``SOCKET.ready`` and prints ``ready``. For each
  request it forks; the child takes the requester's working directory, environment and standard
  streams, and becomes the kernel (``ipykernel_launcher`` with the same arguments). One thread
  only: it forks from the main thread with no other thread running.
* ``launch SOCKET ARGS...``: what jupyter_client starts instead of ``python -m
  ipykernel_launcher ARGS...``. It forwards the signals it gets (an interrupt, a shutdown) to
  the kernel and exits with the kernel's status; if it is killed, ``serve`` kills the kernel.
  Where a warm kernel could differ from a fresh one (another Python, another ``PYTHONPATH`` or
  ``MPLBACKEND``), or ``serve`` is gone, it becomes a fresh kernel itself (``exec``).

What a notebook sees is what a fresh kernel shows it: the same ``sys.path``, working directory,
environment and Matplotlib backend; the imported modules are only cached. A notebook that never
imports PyTorch still finds it in ``sys.modules`` (invisible to its code); global random states
are the same in every warm kernel, which the course's notebooks do not rely on (they seed).
tests/test_execute_notebooks.py compares the two kinds of kernel.
"""
from __future__ import annotations

import json
import os
import selectors
import signal
import socket
import struct
import sys

#: Imported once, before any kernel is forked (not matplotlib.pyplot: importing the inline
#: backend before the kernel's shell exists would leave figures undisplayed).
PRELOAD = ("ipykernel.kernelapp", "ipykernel.ipkernel", "numpy", "torch", "matplotlib",
           "matplotlib.figure", "matplotlib.backend_bases", "matplotlib.colors")
#: The environment variables that decide what a kernel imports: a warm kernel is given only to a
#: request whose values are the ones ``serve`` imported its modules with.
SAME = ("PYTHONPATH", "MPLBACKEND", "PYTHONHOME", "PYTHONNOUSERSITE", "PYTHONSAFEPATH",
        "PYTHONHASHSEED", "PYTHONWARNINGS", "PYTHONUTF8", "PYTHONIOENCODING", "MPLCONFIGDIR",
        "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
#: Warnings a fresh kernel does not show (Python's default filters hide them outside __main__).
HIDDEN = (DeprecationWarning, PendingDeprecationWarning, ImportWarning, ResourceWarning)
INLINE = "module://matplotlib_inline.backend_inline"   # what ipykernel sets when unset


def _env_key(env) -> dict:
    return {k: env.get(k) for k in SAME if k != "MPLBACKEND"} | \
           {"MPLBACKEND": env.get("MPLBACKEND") or INLINE}


def _send(sock: socket.socket, obj, fds=()) -> None:
    data = json.dumps(obj).encode()
    data = struct.pack("!I", len(data)) + data
    if fds:
        sent = socket.send_fds(sock, [data], list(fds))
        data = data[sent:]
    sock.sendall(data)


def _recv(sock: socket.socket, want_fds: int = 0):
    """One message (and the descriptors sent with it), or (None, []) at the end of the stream."""
    fds: list[int] = []
    if want_fds:
        data, fds, _, _ = socket.recv_fds(sock, 65536, want_fds)
    else:
        data = sock.recv(65536)
    if len(data) < 4:
        while data and len(data) < 4:
            more = sock.recv(4 - len(data))
            if not more:
                break
            data += more
        if len(data) < 4:
            return None, fds
    size = struct.unpack("!I", data[:4])[0]
    body = data[4:]
    while len(body) < size:
        more = sock.recv(size - len(body))
        if not more:
            return None, fds
        body += more
    return json.loads(body[:size]), fds


# --- serve -----------------------------------------------------------------------------------
def serve(path: str) -> int:
    base_path = list(sys.path[1:])   # as `python -m ipykernel_launcher` has it (no tools/)
    os.environ["MPLBACKEND"] = os.environ.get("MPLBACKEND") or INLINE
    import importlib
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for name in PRELOAD:
            try:
                importlib.import_module(name)
            except ImportError:
                pass
    shown = [w for w in caught if not issubclass(w.category, HIDDEN)]
    if shown:   # a fresh kernel would print them in the cell that imports the module: no warm ones
        print(f"importing {PRELOAD} warned: {shown[0].message}", file=sys.stderr)
        return 1
    import ipykernel_launcher  # noqa: F401  (its path is the kernel's sys.argv[0])
    key = _env_key(os.environ)
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path)
    server.listen(64)
    with open(path + ".ready", "w"):   # what a build waits for (connecting would be a request)
        pass
    selector = selectors.DefaultSelector()
    selector.register(server, selectors.EVENT_READ)
    kernels: dict[int, socket.socket] = {}   # pid -> the connection of its `launch`
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(1))
    parent = os.getppid()
    print("ready", flush=True)
    while not stopping and os.getppid() == parent:   # ends with the build that started it
        for event, _ in selector.select(timeout=0.05):
            if event.fileobj is server:
                conn, _ = server.accept()
                pid = _fork_kernel(conn, server, kernels, key, base_path)
                if pid:
                    kernels[pid] = conn
                    selector.register(conn, selectors.EVENT_READ, pid)
                else:
                    conn.close()
            else:   # the launcher closed its end (killed): the kernel goes with it
                pid = event.data
                if pid in kernels:
                    _kill(pid)
        while kernels:   # report the kernels that ended
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid == 0:
                break
            conn = kernels.pop(pid, None)
            if conn is not None:
                selector.unregister(conn)
                try:
                    _send(conn, {"exit": os.waitstatus_to_exitcode(status)})
                except OSError:
                    pass
                conn.close()
    for pid in kernels:
        _kill(pid)
    server.close()
    return 0


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _fork_kernel(conn, server, kernels, key, base_path) -> int:
    try:
        conn.settimeout(30)
        request, fds = _recv(conn, want_fds=3)
        conn.settimeout(None)
    except OSError:
        return 0
    if not request or len(fds) != 3:
        for fd in fds:
            os.close(fd)
        return 0
    if request.get("executable") != sys.executable or _env_key(request["env"]) != key:
        for fd in fds:
            os.close(fd)
        _send(conn, {"refused": "not the environment this warm process imported its modules in"})
        return 0
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:   # the kernel
        code = 1
        try:
            server.close()
            conn.close()
            for other in kernels.values():
                other.close()
            for target, fd in enumerate(fds):
                os.dup2(fd, target)
                os.close(fd)
            for sig in (signal.SIGTERM, signal.SIGCHLD, signal.SIGHUP):
                signal.signal(sig, signal.SIG_DFL)
            signal.signal(signal.SIGINT, signal.default_int_handler)
            os.chdir(request["cwd"])
            os.environ.clear()
            os.environ.update(request["env"])
            sys.path[:] = base_path
            import ipykernel_launcher
            sys.argv = [ipykernel_launcher.__file__, *request["argv"]]
            from ipykernel import kernelapp

            # ipykernel read these two from the environment when it was imported, here before
            # the request: as given to the kernel (the parent's pid: it exits if orphaned)
            kernelapp.IPKernelApp.launch_instance(
                parent_handle=int(os.environ.get("JPY_PARENT_PID") or 0),
                interrupt=int(os.environ.get("JPY_INTERRUPT_EVENT") or 0))
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        except BaseException:
            import traceback

            traceback.print_exc()
        finally:
            try:
                sys.stdout.flush()
                sys.stderr.flush()
            finally:
                os._exit(code)
    for fd in fds:
        os.close(fd)
    try:
        _send(conn, {"pid": pid})
    except OSError:
        _kill(pid)
    return pid


# --- launch ----------------------------------------------------------------------------------
def launch(path: str, argv: list[str]) -> int:
    fresh = [sys.executable, "-m", "ipykernel_launcher", *argv]
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.connect(path)
        _send(sock, {"executable": sys.executable, "cwd": os.getcwd(), "env": dict(os.environ),
                     "argv": argv}, fds=(0, 1, 2))
        reply, _ = _recv(sock)
    except OSError:
        reply = None
    if not reply or "pid" not in reply:
        sock.close()
        os.execv(sys.executable, fresh)   # a fresh kernel, as if there were no warm process
    pid = reply["pid"]

    def forward(signum, _frame):
        try:
            os.kill(pid, signum)
        except ProcessLookupError:
            pass

    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT, signal.SIGUSR1,
                signal.SIGUSR2):
        signal.signal(sig, forward)
    try:
        reply, _ = _recv(sock)
    except OSError:
        reply = None
    code = (reply or {}).get("exit", 1)
    return 128 - code if code < 0 else code   # killed by a signal: as a shell reports it


def main(argv: list[str]) -> int:
    if len(argv) >= 2 and argv[0] == "serve":
        return serve(argv[1])
    if len(argv) >= 2 and argv[0] == "launch":
        return launch(argv[1], argv[2:])
    print("usage: warm_kernel.py serve SOCKET | launch SOCKET KERNEL-ARGS...", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
