"""Start an ipykernel capped and confined (used by the batch grader's temporary kernelspec).

Run as a script, not imported: ``python _launcher.py MEMORY_MB -f CONNECTION_FILE ...``.
It caps the address space (RLIMIT_AS), asks Linux to kill the kernel if the grader's worker
dies (PR_SET_PDEATHSIG), confines the kernel with Landlock (:mod:`sandbox`, beside this file)
to its own temporary folder ``DLCOURSE_SANDBOX_DIR``, then hands over to ipykernel in the
same process. Everything the kernel starts inherits the confinement.
"""
import importlib.util
import os
import resource
import signal
import sys

_HERE = os.path.dirname(os.path.abspath(__file__))


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


def _load_sandbox():
    spec = importlib.util.spec_from_file_location("_dlcourse_sandbox", os.path.join(_HERE, "sandbox.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _confine(workdir: str) -> None:
    """Point HOME, TMPDIR and the caches into ``workdir``, then confine the process to it."""
    workdir = os.path.realpath(workdir)
    home = os.path.join(workdir, "home")
    tmp = os.path.join(workdir, "tmp")
    for d in (home, tmp):
        os.makedirs(d, exist_ok=True)
    deny = [d for d in os.environ.get("DLCOURSE_SANDBOX_DENY", "").split(os.pathsep) if d]
    deny.append(os.path.expanduser("~"))  # the teacher's home, before HOME is changed
    os.environ.update({
        "HOME": home, "TMPDIR": tmp, "TEMP": tmp, "TMP": tmp,
        "IPYTHONDIR": os.path.join(home, ".ipython"),
        "MPLCONFIGDIR": os.path.join(home, ".matplotlib"),
        "XDG_CACHE_HOME": os.path.join(home, ".cache"),
        "XDG_CONFIG_HOME": os.path.join(home, ".config"),
        "XDG_DATA_HOME": os.path.join(home, ".local", "share"),
        "JUPYTER_CONFIG_DIR": os.path.join(home, ".jupyter"),
        "JUPYTER_DATA_DIR": os.path.join(home, ".local", "share", "jupyter"),
    })
    import tempfile

    tempfile.tempdir = tmp
    # IPython's first start copies a README with shutil.copy (a chmod, which the confined
    # kernel may not do): create its profile folder now
    from IPython.core.profiledir import ProfileDir

    os.makedirs(os.environ["IPYTHONDIR"], exist_ok=True)
    ProfileDir.create_profile_dir_by_name(os.environ["IPYTHONDIR"], "default")
    sandbox = _load_sandbox()
    try:
        done = sandbox.confine([workdir], sandbox.python_read_dirs(), deny=deny,
                               list_dirs=sandbox.python_list_dirs())
    except Exception as exc:  # Landlock is there but refused: never run the learner unconfined
        print(f"dlcourse grader: could not confine the kernel ({exc}); not starting it",
              file=sys.stderr)
        os._exit(3)
    if done.get("dropped"):  # shown in the grader's --log under this submission
        print("dlcourse grader: the kernel may not read " + ", ".join(done["dropped"])
              + " (it holds the class folder or your home)", file=sys.stderr)


if __name__ == "__main__":
    _cap(int(sys.argv[1]))
    sys.argv = [sys.argv[0]] + sys.argv[2:]
    if sys.path and sys.path[0] == _HERE:
        sys.path.pop(0)  # do not let this folder shadow modules (e.g. 'spec')
    if os.environ.get("DLCOURSE_SANDBOX_DIR"):
        _confine(os.environ["DLCOURSE_SANDBOX_DIR"])
    import warnings

    # ipykernel's pipe for the output of forked processes needs TCP, which the kernel may not
    # open: that output is lost (documented in guides/teacher.md), no need to say it per kernel
    warnings.filterwarnings("ignore", message="Couldn't bind IOPub Pipe")
    from ipykernel import kernelapp

    kernelapp.launch_new_instance()
