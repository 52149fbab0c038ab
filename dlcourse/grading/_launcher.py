"""Start an ipykernel under a memory cap (used by the batch grader's temporary kernelspec).

Run as a script, not imported: ``python _launcher.py MEMORY_MB -f CONNECTION_FILE ...``.
It caps the address space (RLIMIT_AS), asks Linux to kill the kernel if the grader's worker
dies (PR_SET_PDEATHSIG), then hands over to ipykernel in the same process.
"""
import os
import resource
import signal
import sys


def _cap(memory_mb: int) -> None:
    if memory_mb > 0:
        limit = memory_mb << 20
        try:
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        except (ValueError, OSError):
            pass
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, int(signal.SIGKILL), 0, 0, 0)  # PR_SET_PDEATHSIG
        if os.getppid() == 1:
            os._exit(1)
    except Exception:
        pass


if __name__ == "__main__":
    _cap(int(sys.argv[1]))
    sys.argv = [sys.argv[0]] + sys.argv[2:]
    if sys.path and sys.path[0] == os.path.dirname(os.path.abspath(__file__)):
        sys.path.pop(0)  # do not let this folder shadow modules (e.g. 'spec')
    from ipykernel import kernelapp

    kernelapp.launch_new_instance()
