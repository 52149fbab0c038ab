"""Fork the batch grader's workers from one process that has imported them already.

Run as a script by :mod:`dlcourse.grading.submission`, once per batch:
``python _zygote.py CONTROL_FD``. It loads ``_worker.py`` (nbclient, nbformat, jupyter_client,
ZeroMQ: about a third of the CPU time a graded submission costs was a fresh worker importing
them), then waits on ``CONTROL_FD``, its end of a ``SOCK_SEQPACKET`` socket pair whose other end
only the grader holds. A request is one message, JSON ``{"job", "cwd", "env"}``, with three
descriptors: the worker's report pipe, its log, and a socket for the answer. For each request
it forks a worker, which becomes what ``python _worker.py JOB FD`` would be (its own session, that
folder, that environment, standard input and output on ``/dev/null``, the log as standard
error, and no other descriptor: nothing of this process or of the other requests), and answers
``{"pid"}`` at once and ``{"status"}`` (as ``os.waitpid`` gives it) when the worker has ended.

Only the worker is forked from here, never a kernel: the worker starts its kernels as before
(``_launcher.py``: capped, confined, a new process), so what a submission's code can reach is
unchanged. The worker's code is the grader's own, run from a process started for this batch
(it has seen no submission, no expected value and no answer). When this process is not there
or not able to fork, the grader starts ``_worker.py`` itself, as before.
"""
import json
import os
import selectors
import socket
import sys
import threading
import time

_HERE = os.path.dirname(os.path.abspath(__file__))
if sys.path and os.path.abspath(sys.path[0]) == _HERE:
    sys.path.pop(0)  # as in _worker.py: never let spec.py & co. shadow real modules


def _load_worker():
    import importlib.util

    spec = importlib.util.spec_from_file_location("_dlcourse_worker", os.path.join(_HERE, "_worker.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    # what a worker imports only once it runs: load it here too, once
    import IPython  # noqa: F401  (jupyter_client's kernelspec lookup imports it)
    import jupyter_client.manager  # noqa: F401
    import jupyter_client.provisioning.local_provisioner  # noqa: F401
    import nbformat.validator
    import zmq.asyncio  # noqa: F401

    # The JSON schemas of notebooks 4.0-4.5, compiled once (65 ms each) for every worker: the
    # strict ones, which are all that reading, building and running a notebook validate with
    # (tests/test_worker_zygote.py). The relaxed ones that nbformat can also build were
    # compiled here too, for nothing: 0.27 s of CPU time per batch.
    for minor in range(6):
        nbformat.validator.get_validator(4, minor, relax_add_props=False)
    module.kernel_forker.preload()  # ipykernel and NumPy, for the kernels (_kernel_forker.py)
    return module


def _become_worker(worker, req: dict, fds: list) -> None:
    """In the forked child: turn into ``python _worker.py JOB FD`` and never return."""
    code = 1
    try:
        result_fd, log_fd, _ = fds
        os.setsid()
        os.chdir(req["cwd"])
        null = os.open(os.devnull, os.O_RDWR)
        os.dup2(null, 0)
        os.dup2(null, 1)
        os.dup2(log_fd, 2)
        os.dup2(result_fd, 3)
        # nothing else stays open: not the control socket, not another request's descriptors
        for fd in sorted(int(n) for n in os.listdir("/proc/self/fd")):
            if fd > 3:
                try:
                    os.close(fd)
                except OSError:
                    pass  # the listing's own descriptor, closed already
        os.environ.clear()
        os.environ.update(req["env"])
        sys.argv = [os.path.join(_HERE, "_worker.py"), req["job"], "3"]
        code = worker.main()
    except BaseException:
        import traceback

        traceback.print_exc()
    finally:
        try:
            sys.stderr.flush()
        except Exception:
            pass
        os._exit(code if isinstance(code, int) else 1)


def _answer(sock: socket.socket, obj: dict) -> None:
    try:
        sock.send(json.dumps(obj).encode())
    except OSError:
        pass  # the grader gave up on this worker; it ends it by its process group


def serve(control: socket.socket, worker) -> None:
    """Fork one worker per request until the grader closes its end; reap them as they end."""
    waiting: dict[int, socket.socket] = {}  # worker pid -> its answer socket
    sel = selectors.DefaultSelector()
    sel.register(control, selectors.EVENT_READ)
    open_ = True
    while open_ or waiting:
        if not open_:
            time.sleep(0.05)
        elif sel.select(timeout=0.05):
            try:
                data, fds, _, _ = socket.recv_fds(control, 1 << 20, 3)
            except OSError:
                data, fds = b"", []
            if not data:
                open_ = False
                sel.unregister(control)
            else:
                _fork_worker(worker, data, fds, waiting, control, sel)
            for fd in fds:
                os.close(fd)
        for pid, status in worker.sandbox.reaped():
            answer = waiting.pop(pid, None)
            if answer is not None:
                _answer(answer, {"status": status})
                answer.close()


def _fork_worker(worker, data: bytes, fds: list, waiting: dict, control, sel) -> None:
    """Fork the worker ``data`` (a request) asks for; answer its pid or what was wrong."""
    answer = None
    try:
        req = json.loads(data)
        if len(fds) != 3:
            raise ValueError(f"3 descriptors expected, {len(fds)} came")
        answer = socket.socket(fileno=os.dup(fds[2]))
        pid = os.fork()
        if pid == 0:
            # the descriptors of this process's own objects are closed in the child: let no
            # object close a number the worker reuses when it is collected
            sel.close()
            for s in (control, answer, *waiting.values()):
                s.detach()
            _become_worker(worker, req, fds)
        waiting[pid] = answer
        _answer(answer, {"pid": pid})
    except Exception as exc:  # a bad request: say so, fork nothing
        if answer is not None:
            _answer(answer, {"error": f"{type(exc).__name__}: {exc}"[:300]})
            answer.close()


def main() -> int:
    control = socket.socket(fileno=int(sys.argv[1]))
    worker = _load_worker()
    if threading.active_count() != 1:  # forking with other threads running is not safe
        return 2
    # no PR_SET_PDEATHSIG (it follows the grader's thread that started this, not the grader):
    # when the grader ends, its end of the control socket closes, and this process ends too
    control.send(b'{"ready": true}')
    serve(control, worker)
    return 0


if __name__ == "__main__":
    sys.exit(main())
