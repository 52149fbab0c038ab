"""Fork the grading kernels of one worker from a process that has imported ipykernel and NumPy.

A fresh grading kernel (``python _launcher.py MEMORY_MB -f CONNECTION_FILE``) spent about half of
a graded submission's CPU time importing ipykernel and then NumPy, the same imports for every
submission. Loaded by path by ``_worker.py`` (it imports nothing of ``dlcourse``):

* :func:`preload` imports ipykernel (its debugger too) and NumPy with the kernel's thread
  settings. The batch's worker zygote calls it once, so every worker it forks has them already.
* :func:`start`, called by the worker as its first step, before it has read its job (so this
  process has seen no submission, no input and no answer), forks the *forker*: a child of the
  worker that waits on its end of a ``SOCK_SEQPACKET`` socket pair only the worker holds. For
  each request (the kernel's arguments, working folder, environment and memory cap, with its
  standard streams as descriptors) it forks a kernel and answers ``{"pid"}``; when that kernel
  ends it reports ``{"exit", "status"}``. It ends, and its kernels with it, when the worker
  closes its end or dies (``PR_SET_PDEATHSIG``).
* The forked kernel becomes what ``_launcher.py`` makes of a fresh one, in the same order:
  its own session, the request's streams and no other descriptor, the request's folder and
  environment, the memory cap and ``PR_SET_PDEATHSIG`` (``_launcher._cap``), the confinement to
  its folder (``_launcher._confine``: Landlock and seccomp, applied by this single-threaded
  process to itself, so that everything the kernel starts inherits it), then ipykernel. Its
  global random states are drawn afresh (a fork would share them). It stays a descendant of
  the worker, which ends every descendant when the submission is done (``sandbox.kill_tree``).
  Its address space starts about 40 MB larger than a fresh kernel's (the worker's own modules,
  about 1 GB either way), which the memory cap counts.
* :class:`Forker` is the worker's side, and :func:`launch` is what the worker's
  ``jupyter_client`` uses instead of ``subprocess.Popen`` for the grader's kernelspec: it
  returns a Popen-like object for the forked kernel. Where a warm kernel could differ from a
  fresh one (another Python, another ``PYTHONPATH`` or thread setting) or the forker is gone,
  it starts the kernel as before. ``DLCOURSE_GRADE_WARM_KERNEL=0``: always as before.
"""
from __future__ import annotations

import importlib.util
import json
import os
import selectors
import signal
import socket
import subprocess
import sys
import time

_HERE = os.path.dirname(os.path.abspath(__file__))
LAUNCHER = os.path.join(_HERE, "_launcher.py")
#: the thread settings the grader's kernelspec gives every kernel (submission.make_kernelspec)
KERNEL_THREADS = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
#: ipykernel.debugger (and debugpy with it) is imported by every kernel as it starts, whatever
#: it runs: 0.14 s of CPU time per kernel when it was left to the forked kernel. debugpy reads
#: PYDEVD_DISABLE_FILE_VALIDATION as it is imported: set as the kernelspec sets it.
PRELOAD = ("ipykernel.kernelapp", "ipykernel.ipkernel", "ipykernel.debugger", "numpy")
_PRELOAD_SETTINGS = {**KERNEL_THREADS, "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
_PRELOAD_ENV: dict | None = None  # the environment the preloaded modules were imported in


def _env_key(env) -> dict:
    """What decides how Python and the preloaded modules start: the PYTHON* variables (but
    PYTHONDONTWRITEBYTECODE, set per kernel) and the thread settings."""
    return {k: v for k, v in env.items()
            if (k.startswith("PYTHON") and k != "PYTHONDONTWRITEBYTECODE") or k in KERNEL_THREADS}


def preload() -> None:
    """Import :data:`PRELOAD` once, with the kernel's thread settings and debugpy's (none of it
    starts a thread)."""
    global _PRELOAD_ENV
    if _PRELOAD_ENV is not None:
        return
    saved = {k: os.environ.get(k) for k in _PRELOAD_SETTINGS}
    os.environ.update(_PRELOAD_SETTINGS)
    try:
        for name in PRELOAD:
            try:
                importlib.import_module(name)
            except ImportError:
                pass
        _PRELOAD_ENV = _env_key(os.environ)
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _load_launcher():
    spec = importlib.util.spec_from_file_location("_dlcourse_launcher", LAUNCHER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _send(sock: socket.socket, obj: dict) -> None:
    sock.send(json.dumps(obj).encode())


def _close_all_but(keep) -> None:
    """Close every descriptor of this process that is not in ``keep``."""
    for fd in sorted(int(n) for n in os.listdir("/proc/self/fd")):
        if fd not in keep:
            try:
                os.close(fd)
            except OSError:
                pass  # the listing's own descriptor, closed already


# --------------------------------------------------------------------------- the forker
def start() -> Forker | None:
    """Fork the forker (call before reading the job, with no other thread running)."""
    if os.environ.get("DLCOURSE_GRADE_WARM_KERNEL", "1") == "0" or not hasattr(socket, "send_fds"):
        return None
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    parent = os.getpid()
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            ours.detach()
            code = _serve(theirs, parent)
        except BaseException:
            import traceback

            traceback.print_exc()
        finally:
            os._exit(code)
    theirs.close()
    # the environment the forker's modules were imported in: the zygote's, or this one's
    key = _PRELOAD_ENV if _PRELOAD_ENV is not None else _env_key({**os.environ, **KERNEL_THREADS})
    return Forker(ours, pid, key)


def _serve(sock: socket.socket, parent: int) -> int:
    """The forker's loop: one kernel per request, an exit report per kernel that ends."""
    launcher = _load_launcher()
    sandbox = launcher._load_sandbox()
    launcher._cap(0)  # PR_SET_PDEATHSIG: this process ends with the worker (and no memory cap)
    if os.getppid() != parent:
        return 1
    # none of the worker's descriptors but the standard streams: not its report pipe, and not
    # its end of the socket pair (``ours`` above was only detached), which would keep this
    # process from seeing the worker close it. Nothing here holds them as an object.
    _close_all_but({0, 1, 2, sock.fileno()})
    preload()  # nothing to do when the worker was forked from the zygote
    kernels: set[int] = set()
    sel = selectors.DefaultSelector()
    sel.register(sock, selectors.EVENT_READ)
    open_ = True
    while open_:
        if sel.select(timeout=0.05):
            try:
                data, fds, _, _ = socket.recv_fds(sock, 1 << 20, 3)
            except OSError:
                data, fds = b"", []
            if not data:
                open_ = False
            else:
                _fork_kernel(launcher, sock, sel, data, fds, kernels)
            for fd in fds:
                os.close(fd)
        _report_ended(sock, kernels, sandbox)
    for pid in kernels:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    return 0


def _report_ended(sock: socket.socket, kernels: set, sandbox) -> None:
    for pid, status in sandbox.reaped():  # this process's children are its kernels
        kernels.discard(pid)
        try:
            _send(sock, {"exit": pid, "status": status})
        except OSError:
            pass


def _fork_kernel(launcher, sock, sel, data: bytes, fds: list, kernels: set) -> None:
    try:
        req = json.loads(data)
        if len(fds) != 3:
            raise ValueError(f"3 descriptors expected, {len(fds)} came")
        ready_r, ready_w = os.pipe()
        pid = os.fork()
        if pid == 0:
            sel.close()
            sock.detach()  # closed below with every other descriptor; no object closes it later
            _become_kernel(launcher, req, fds, ready_w)
        os.close(ready_w)
        try:
            # the pid is answered once the kernel leads its own session and process group, as a
            # kernel Popen(start_new_session=True) started would: jupyter_client signals that group
            os.read(ready_r, 1)
        finally:
            os.close(ready_r)
        kernels.add(pid)
        _send(sock, {"pid": pid})
    except Exception as exc:  # a bad request: say so, fork nothing
        _send(sock, {"error": f"{type(exc).__name__}: {exc}"[:300]})


def _become_kernel(launcher, req: dict, fds: list, ready_w: int) -> None:
    """In the forked child: become what ``python _launcher.py MEMORY_MB ARGS`` would, never return."""
    code = 1
    try:
        os.setsid()
        os.write(ready_w, b"1")
        for target, fd in enumerate(fds):
            os.dup2(fd, target)
        _close_all_but({0, 1, 2})
        for sig in (signal.SIGTERM, signal.SIGCHLD, signal.SIGHUP, signal.SIGPIPE):
            signal.signal(sig, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        os.chdir(req["cwd"])
        os.environ.clear()
        os.environ.update(req["env"])
        os.environ["JPY_PARENT_PID"] = str(os.getppid())
        sys.dont_write_bytecode = bool(os.environ.get("PYTHONDONTWRITEBYTECODE"))
        sys.argv = [LAUNCHER, *req["argv"]]
        launcher._cap(int(req["memory_mb"]))  # the memory cap; PR_SET_PDEATHSIG on the forker
        _reseed()
        if os.environ.get("DLCOURSE_SANDBOX_DIR"):
            launcher._confine(os.environ["DLCOURSE_SANDBOX_DIR"])
        import warnings

        warnings.filterwarnings("ignore", message="Couldn't bind IOPub Pipe")  # as _launcher.py
        from ipykernel import kernelapp

        # read from the environment when ipykernel was imported, before this request
        kernelapp.IPKernelApp.launch_instance(parent_handle=int(os.environ["JPY_PARENT_PID"]),
                                              interrupt=0)
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


def _reseed() -> None:
    """Global random states drawn afresh, as a fresh process draws them (a fork copies them)."""
    import random

    random.seed()
    numpy = sys.modules.get("numpy")
    if numpy is not None:
        numpy.random.seed()


# --------------------------------------------------------------------------- the worker's side
class Forker:
    """The worker's end of its forker: ask for a kernel, learn when one has ended."""

    def __init__(self, sock: socket.socket, pid: int, key: dict) -> None:
        self.sock, self.pid, self.key = sock, pid, key
        self.ended: dict[int, int] = {}  # kernel pid -> wait status
        self.broken = False

    def _take(self, msg: dict) -> dict:
        if isinstance(msg.get("exit"), int):
            self.ended[msg["exit"]] = int(msg.get("status", 0))
        return msg

    def pump(self, timeout: float = 0.0) -> None:
        """Read the exit reports that have come (waiting up to ``timeout`` seconds for one)."""
        if self.broken:
            return
        self.sock.settimeout(timeout if timeout > 0 else 0.0)
        try:
            while True:
                data = self.sock.recv(4096)
                if not data:
                    self.broken = True
                    return
                self._take(json.loads(data))
                self.sock.settimeout(0.0)
        except (BlockingIOError, TimeoutError, socket.timeout):
            return
        except (OSError, ValueError):
            self.broken = True

    def fork(self, argv: list, memory_mb: int, cwd: str, env: dict, fds: tuple) -> int:
        """A kernel's pid (``OSError`` if the forker could not fork it)."""
        if self.broken:
            raise OSError("the kernel forker is gone")
        request = {"argv": argv, "memory_mb": memory_mb, "cwd": cwd, "env": env}
        try:
            self.sock.settimeout(30)
            socket.send_fds(self.sock, [json.dumps(request).encode()], list(fds))
            while True:
                data = self.sock.recv(4096)
                if not data:
                    raise OSError("the kernel forker ended")
                said = self._take(json.loads(data))
                if isinstance(said.get("pid"), int):
                    return said["pid"]
                if "error" in said:
                    raise OSError(str(said["error"]))
        except (OSError, ValueError) as exc:
            self.broken = True
            raise OSError(f"the kernel forker did not fork: {exc}") from exc

    def close(self) -> None:
        self.broken = True
        self.sock.close()


class ForkedKernel:
    """What ``jupyter_client``'s LocalProvisioner needs of a ``Popen``, for a forked kernel."""

    stdin = stdout = stderr = None

    def __init__(self, forker: Forker, pid: int) -> None:
        self._forker, self.pid, self.returncode = forker, pid, None

    def poll(self) -> int | None:
        if self.returncode is None:
            self._forker.pump()
            self._settle()
        return self.returncode

    def _settle(self) -> None:
        status = self._forker.ended.pop(self.pid, None)
        if status is None and self._forker.broken:
            # the forker is gone, and this kernel with it (PR_SET_PDEATHSIG): dead, it may have
            # come back to this process (the worker is a subreaper) as a zombie to reap
            try:
                pid, status = os.waitpid(self.pid, os.WNOHANG)
            except ChildProcessError:  # not ours: ended unless it still runs (rare: loaded here)
                alive = _load_launcher()._load_sandbox()._alive(self.pid)
                pid, status = self.pid, (None if alive else signal.SIGKILL)
            if not pid:
                status = None
        if status is not None:
            self.returncode = os.waitstatus_to_exitcode(status)

    def wait(self, timeout: float | None = None) -> int:
        end = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if end is not None and time.monotonic() >= end:
                raise subprocess.TimeoutExpired(LAUNCHER, timeout)
            if self._forker.broken:
                time.sleep(0.05)
            else:
                self._forker.pump(0.05)
                self._settle()
        return self.returncode

    def send_signal(self, sig: int) -> None:
        if self.poll() is None:
            try:
                os.kill(self.pid, sig)
            except ProcessLookupError:
                pass

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


def launch(forker: Forker | None, fresh, cmd: list, **kw):
    """``jupyter_client.launcher.launch_kernel`` for the worker: a forked kernel for the grader's
    kernelspec (``python _launcher.py MEMORY_MB ARGS``), else ``fresh(cmd, **kw)``."""
    env = kw.get("env")
    streams = [kw.get(k) for k in ("stdin", "stdout", "stderr")]
    usable = (
        forker is not None and not forker.broken
        and len(cmd) >= 3 and cmd[0] == sys.executable and os.path.abspath(cmd[1]) == LAUNCHER
        and isinstance(env, dict) and _env_key(env) == forker.key
        and set(kw) <= {"env", "cwd", "independent", "stdin", "stdout", "stderr"}
        and all(s is None or isinstance(s, int) and s >= 0 for s in streams))
    if not usable:
        return fresh(cmd, **kw)
    env = dict(env)
    if not kw.get("independent"):
        env["JPY_PARENT_PID"] = str(os.getpid())  # as launch_kernel sets it (the kernel resets it)
    null = os.open(os.devnull, os.O_RDWR)
    try:
        fds = (streams[0] if streams[0] is not None else null,
               streams[1] if streams[1] is not None else 1,
               streams[2] if streams[2] is not None else 2)
        pid = forker.fork(list(cmd[3:]), int(cmd[2]), str(kw.get("cwd") or os.getcwd()), env, fds)
    except (OSError, ValueError):
        return fresh(cmd, **kw)
    finally:
        os.close(null)
    return ForkedKernel(forker, pid)
