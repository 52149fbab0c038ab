"""Confine a grading kernel with Linux Landlock, and end everything a submission started.

Standard library only, so that the kernel launcher and the worker can load this file without
importing ``dlcourse``. A small ``ctypes`` binding over the three Landlock system calls
(``landlock_create_ruleset``, ``landlock_add_rule``, ``landlock_restrict_self``; see the
kernel's ``Documentation/userspace-api/landlock.rst``). Landlock is unprivileged: no root and
no Docker. Once a process restricts itself, neither it nor anything it starts can undo it.

What :func:`confine` enforces, as far as the running kernel's Landlock ABI allows:

- files (ABI 1+): write, create, remove only under ``write_dirs``; read and execute only under
  ``read_dirs``; nothing anywhere else (the class folder, the teacher's home, other kernels);
- TCP (ABI 4+, Linux 6.7): no ``bind`` and no ``connect`` at all (the kernel's own channels
  to the grader are Unix sockets in its folder);
- signals and abstract Unix sockets (ABI 6+, Linux 6.12): no signal to, and no abstract
  socket of, a process outside the confined kernel; ``ptrace`` of outside processes is
  denied from ABI 1 on;
- with a seccomp filter (x86-64 and arm64), what Landlock cannot restrict: no UDP or raw
  socket, no chmod, chown, utime or setxattr on any path; and every capability is dropped.
  Without signal scoping (ABI < 6) the filter also refuses signals to the grader and the
  processes above it, ``kill(-1, ...)`` and pidfd signals, so the gradebook is still written.

:func:`describe` says, in one line, what this machine enforces and what it lacks.
:func:`kill_tree` ends every descendant of a process (with :func:`become_subreaper`, also those
that called ``setsid()`` or double-forked).

One module of about 400 lines on purpose: the launcher loads this one file by its path before
the kernel imports anything, so it cannot be split into a package that imports its parts.
"""
from __future__ import annotations

import ctypes
import errno
import os
import signal
import sys
import time

__all__ = ["abi_version", "features", "describe", "confine", "python_read_dirs",
           "become_subreaper", "descendants", "kill_tree", "reaped", "SandboxError"]

_SYS_CREATE, _SYS_ADD_RULE, _SYS_RESTRICT = 444, 445, 446  # the same on every architecture
_CREATE_RULESET_VERSION = 1
_RULE_PATH_BENEATH = 1
_PR_SET_NO_NEW_PRIVS = 38
_PR_SET_CHILD_SUBREAPER = 36
_PR_CAPBSET_DROP, _PR_CAP_AMBIENT, _PR_CAP_AMBIENT_CLEAR_ALL = 24, 47, 4
_LINUX_CAPABILITY_VERSION_3 = 0x20080522
_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER = 22, 2

# LANDLOCK_ACCESS_FS_*
EXECUTE, WRITE_FILE, READ_FILE, READ_DIR = 1 << 0, 1 << 1, 1 << 2, 1 << 3
REMOVE_DIR, REMOVE_FILE, MAKE_CHAR, MAKE_DIR = 1 << 4, 1 << 5, 1 << 6, 1 << 7
MAKE_REG, MAKE_SOCK, MAKE_FIFO, MAKE_BLOCK = 1 << 8, 1 << 9, 1 << 10, 1 << 11
MAKE_SYM, REFER, TRUNCATE, IOCTL_DEV = 1 << 12, 1 << 13, 1 << 14, 1 << 15
_FS_BY_ABI = {1: (1 << 13) - 1, 2: (1 << 14) - 1, 3: (1 << 15) - 1, 5: (1 << 16) - 1}
_FILE_ONLY = EXECUTE | WRITE_FILE | READ_FILE | TRUNCATE | IOCTL_DEV  # allowed on a file rule
_READ = EXECUTE | READ_FILE | READ_DIR
# LANDLOCK_ACCESS_NET_* (ABI 4) and LANDLOCK_SCOPE_* (ABI 6)
NET_BIND_TCP, NET_CONNECT_TCP = 1 << 0, 1 << 1
SCOPE_ABSTRACT_UNIX_SOCKET, SCOPE_SIGNAL = 1 << 0, 1 << 1


class SandboxError(RuntimeError):
    """Landlock is available but the confinement could not be applied."""


class _RulesetAttr(ctypes.Structure):
    _fields_ = [("handled_access_fs", ctypes.c_uint64), ("handled_access_net", ctypes.c_uint64),
                ("scoped", ctypes.c_uint64)]


class _PathBeneathAttr(ctypes.Structure):
    _pack_ = 1  # __attribute__((packed)) in the kernel's header: 12 bytes
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


def _libc():
    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long
    return libc


def abi_version() -> int:
    """The Landlock ABI of the running kernel; 0 when Landlock is missing or disabled."""
    if not sys.platform.startswith("linux"):
        return 0
    try:
        v = _libc().syscall(_SYS_CREATE, None, ctypes.c_size_t(0),
                            ctypes.c_uint32(_CREATE_RULESET_VERSION))
    except Exception:
        return 0
    cap = os.environ.get("DLCOURSE_SANDBOX_MAX_ABI", "")  # to try the grader as on an older Linux
    return max(0, min(int(v), int(cap) if cap.isdigit() else int(v)))


def features(abi: int | None = None) -> dict:
    """Which rules this ABI can enforce: files, tcp, signals (and abstract Unix sockets)."""
    abi = abi_version() if abi is None else abi
    return {"abi": abi, "files": abi >= 1, "tcp": abi >= 4, "signals": abi >= 6,
            "filter": _ARCH is not None}


def describe(abi: int | None = None) -> str:
    """One line for the grade run's summary and log: what is confined, and what is not."""
    f = features(abi)
    if not f["files"]:
        return ("Confinement: NOT AVAILABLE (this Linux has no Landlock, or it is disabled): "
                "submissions run with your rights and can read, write and connect anywhere "
                "you can. Grade untrusted notebooks on a machine with Linux 6.12 or later.")
    missing = []
    if f["abi"] < 3:
        missing.append("no truncation rule (Linux 6.2+): a submission can empty any file you "
                       "can write")
    if not f["tcp"]:
        missing.append("no network rules (Linux 6.7+): submissions can open TCP connections")
    if not f["signals"] and f["filter"]:
        missing.append("no signal scoping (Linux 6.12+): a submission can signal or kill "
                       "processes of yours (other submissions' kernels too), though not the "
                       "grader and the processes above it")
    elif not f["signals"]:
        missing.append("no signal scoping (Linux 6.12+): a submission can signal or kill the "
                       "grader and other processes of yours")
    if not f["filter"]:
        missing.append("no system-call filter for this processor: submissions can send UDP "
                       "and change the modes and times of your files")
    head = (f"Confinement: Landlock ABI {f['abi']}: each kernel writes only in its own "
            "temporary folder, reads only Python and its packages")
    if missing:
        return head + "; MISSING: " + "; ".join(missing) + "."
    return head + (", opens no TCP connection, sends no UDP, changes no file's mode or times, "
                   "signals nothing outside itself.")


def python_read_dirs() -> list[str]:
    """Folders a Python kernel needs to read: the interpreter, its packages, the system's."""
    dirs = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix,
            os.path.dirname(os.path.dirname(os.path.realpath(sys.executable))),
            os.path.dirname(os.path.dirname(os.path.abspath(__file__)))}  # dlcourse itself
    for p in sys.path:
        if p and os.path.isabs(p) and ("site-packages" in p or "dist-packages" in p):
            dirs.add(p)
    for p in ("/usr", "/lib", "/lib32", "/lib64", "/libx32", "/bin", "/sbin", "/etc", "/opt",
              "/proc", "/sys", "/dev", "/nix/store", "/snap", "/var/lib/snapd"):
        dirs.add(p)
    return sorted(d for d in dirs if d and os.path.isdir(d))


def python_list_dirs() -> list[str]:
    """The other folders on ``sys.path`` (``PYTHONPATH``, a source checkout): the kernel may list
    them, to find packages there, but reads files only under :func:`python_read_dirs`."""
    return sorted({p for p in sys.path if p and os.path.isabs(p) and os.path.isdir(p)}
                  - set(python_read_dirs()))


def _open_path(path: str) -> int:
    return os.open(path, os.O_PATH | os.O_CLOEXEC)


def confine(write_dirs, read_dirs, write_files=("/dev/null",), deny=(), list_dirs=()) -> dict:
    """Restrict this process and all it will start; return :func:`features` (abi 0: nothing).

    ``list_dirs``: folders whose entries may be listed (not read). ``deny``: folders (the class
    folder, the teacher's home) that no read or list folder may be or contain: such a folder
    is dropped (and named in the result's ``dropped``).
    """
    f = features()
    if not f["files"]:
        return f
    abi = f["abi"]
    fs = _FS_BY_ABI[max(k for k in _FS_BY_ABI if k <= abi)]
    attr = _RulesetAttr(fs, (NET_BIND_TCP | NET_CONNECT_TCP) if f["tcp"] else 0,
                        (SCOPE_ABSTRACT_UNIX_SOCKET | SCOPE_SIGNAL) if f["signals"] else 0)
    size = ctypes.sizeof(_RulesetAttr) if abi >= 6 else (16 if abi >= 4 else 8)
    libc = _libc()
    rfd = libc.syscall(_SYS_CREATE, ctypes.byref(attr), ctypes.c_size_t(size), ctypes.c_uint32(0))
    if rfd < 0:
        raise SandboxError(f"landlock_create_ruleset: {os.strerror(ctypes.get_errno())}")
    denied = [os.path.realpath(d) for d in deny if d]
    dropped = []

    def add(path: str, access: int) -> None:
        try:
            fd = _open_path(path)
        except OSError:
            return
        try:
            if not os.path.isdir(path):
                access &= _FILE_ONLY
            rule = _PathBeneathAttr(access & fs, fd)
            if libc.syscall(_SYS_ADD_RULE, ctypes.c_int(rfd), ctypes.c_int(_RULE_PATH_BENEATH),
                            ctypes.byref(rule), ctypes.c_uint32(0)) != 0:
                raise SandboxError(f"landlock_add_rule({path}): {os.strerror(ctypes.get_errno())}")
        finally:
            os.close(fd)

    try:
        for dirs, access in ((read_dirs, _READ), (list_dirs, READ_DIR)):
            for d in dirs:
                real = os.path.realpath(d)
                if real == "/" or any(x == real or x.startswith(real.rstrip("/") + "/") for x in denied):
                    dropped.append(d)
                    continue
                add(d, access)
        for p in write_files:
            add(p, READ_FILE | WRITE_FILE | TRUNCATE)
        for d in write_dirs:
            add(d, fs)
        _drop_capabilities(libc)
        if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
            raise SandboxError(f"prctl(NO_NEW_PRIVS): {os.strerror(ctypes.get_errno())}")
        if libc.syscall(_SYS_RESTRICT, ctypes.c_int(rfd), ctypes.c_uint32(0)) != 0:
            raise SandboxError(f"landlock_restrict_self: {os.strerror(ctypes.get_errno())}")
        if f["filter"]:
            _install_filter(libc, [] if f["signals"] else _ancestors())
    finally:
        os.close(rfd)
    return {**f, "dropped": dropped}


def _drop_capabilities(libc) -> None:
    """Give up every capability (a grader run as root: CAP_SYS_PTRACE would let the kernel read
    other processes' memory and environment, CAP_NET_RAW send raw packets), for good."""
    for cap in range(64):
        if libc.prctl(_PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 and ctypes.get_errno() == errno.EINVAL:
            break  # past the last capability this kernel knows
    libc.prctl(_PR_CAP_AMBIENT, _PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0)
    header = (ctypes.c_uint32 * 2)(_LINUX_CAPABILITY_VERSION_3, 0)
    data = (ctypes.c_uint32 * 6)()  # effective, permitted, inheritable: all empty
    if libc.capset(header, data) != 0:
        raise SandboxError(f"capset: {os.strerror(ctypes.get_errno())}")


# --------------------------------------------------------------------------- seccomp
# What Landlock leaves open (its documented limits): UDP and raw sockets, and chmod, chown,
# utime and setxattr on any file the process can name. A seccomp filter answers EACCES to
# socket(AF_INET/AF_INET6/AF_PACKET) and EPERM to the path-based metadata calls, io_uring
# (which could open sockets past the filter) and any system call of a foreign ABI (x32, i386).
_AUDIT_ARCH = {"x86_64": 0xC000003E, "aarch64": 0xC00000B7}
_ARCH = os.uname().machine if os.uname().machine in _AUDIT_ARCH else None
_NR_SOCKET = {"x86_64": 41, "aarch64": 198}
_NR_DENY = {  # chmod, fchmodat(2), chown, lchown, fchownat, utime(s), futimesat, utimensat,
    # setxattr, lsetxattr, removexattr, lremovexattr, setxattrat, removexattrat, io_uring_setup
    "x86_64": (90, 268, 452, 92, 94, 260, 132, 235, 261, 280, 188, 189, 197, 198, 463, 466, 425),
    "aarch64": (53, 452, 54, 88, 5, 6, 14, 15, 463, 466, 425),
}
_AF_DENY = (2, 10, 17)  # AF_INET, AF_INET6, AF_PACKET
_RET_ALLOW, _RET_ERRNO = 0x7FFF0000, 0x00050000
_LD_ABS, _JEQ, _JGE, _JA, _RET = 0x20, 0x15, 0x35, 0x05, 0x06
_NR_SIGNAL = {"x86_64": (62, 200, 234, 129, 297),  # kill, tkill, tgkill, rt_(tg)sigqueueinfo
              "aarch64": (129, 130, 131, 138, 240)}
_NR_PIDFD_SEND_SIGNAL = 424


class _SockFilter(ctypes.Structure):
    _fields_ = [("code", ctypes.c_uint16), ("jt", ctypes.c_uint8), ("jf", ctypes.c_uint8),
                ("k", ctypes.c_uint32)]


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(_SockFilter))]


def _ancestors() -> list[int]:
    """This process's parent, its parent... (not init), with their process groups."""
    out, pid = [], os.getppid()
    while pid > 1 and len(out) < 200:
        try:
            with open(f"/proc/{pid}/stat", "rb") as fh:
                fields = fh.read().rsplit(b")", 1)[1].split()
        except OSError:
            break
        out += [pid, -pid, -int(fields[2])]  # the process, its group as kill(-pid), its own group
        pid = int(fields[1])
    return sorted(set(out) - {0, -1, 1})


def _filter_program(arch: str, protect=()) -> list[tuple]:
    """The BPF program as (code, jump-if-true label, jump-if-false label, k) rows.

    ``protect``: without Landlock's signal scoping, pids (and -pgids) that no signal may
    reach: the grader and the processes above it; kill(-1, ...) and pidfd signals are denied.
    """
    prog = [(_LD_ABS, None, None, 4),                       # seccomp_data.arch
            (_JEQ, None, "eperm", _AUDIT_ARCH[arch]), (_LD_ABS, None, None, 0)]  # .nr
    if arch == "x86_64":
        prog.append((_JGE, "eperm", None, 0x40000000))       # the x32 ABI
    deny = _NR_DENY[arch] + ((_NR_PIDFD_SEND_SIGNAL,) if protect else ())
    prog += [(_JEQ, "eperm", None, nr) for nr in deny]
    prog.append((_JEQ, "socket", None, _NR_SOCKET[arch]))
    if protect:
        prog += [(_JEQ, "signal", None, nr) for nr in _NR_SIGNAL[arch]]
    prog += [(_JA, None, None, "allow"), ("socket", None, None, None), (_LD_ABS, None, None, 16)]
    prog += [(_JEQ, "eacces", None, af) for af in _AF_DENY] + [(_JA, None, None, "allow")]
    if protect:  # args[0] (a pid_t: its low 32 bits, two's complement)
        prog += [("signal", None, None, None), (_LD_ABS, None, None, 16)]
        prog += [(_JEQ, "eperm", None, p & 0xFFFFFFFF) for p in [-1, *protect]]
    prog += [("allow", None, None, None), (_RET, None, None, _RET_ALLOW),
             ("eperm", None, None, None), (_RET, None, None, _RET_ERRNO | errno.EPERM),
             ("eacces", None, None, None), (_RET, None, None, _RET_ERRNO | errno.EACCES)]
    labels, rows = {}, []
    for row in prog:  # a row with a string code is a label for the next instruction
        if isinstance(row[0], str):
            labels[row[0]] = len(rows)
        else:
            rows.append(row)
    out = []
    for i, (code, jt, jf, k) in enumerate(rows):
        if code == _JA:
            out.append((code, 0, 0, labels[k] - i - 1))
        else:
            out.append((code, labels[jt] - i - 1 if jt else 0, labels[jf] - i - 1 if jf else 0, k))
    return out


def _install_filter(libc, protect=()) -> None:
    rows = _filter_program(_ARCH, protect)
    arr = (_SockFilter * len(rows))(*[_SockFilter(*r) for r in rows])
    prog = _SockFprog(len(rows), arr)
    if libc.prctl(_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, ctypes.byref(prog), 0, 0) != 0:
        raise SandboxError(f"seccomp: {os.strerror(ctypes.get_errno())}")


# --------------------------------------------------------------------------- processes
def become_subreaper() -> bool:
    """Make this process adopt its orphaned descendants (those that setsid() or double-fork)."""
    try:
        return _libc().prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
    except Exception:
        return False


def _parents() -> dict[int, int]:
    out = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as fh:
                stat = fh.read()
            out[int(name)] = int(stat[stat.rindex(b")") + 2:].split()[1])
        except (OSError, ValueError, IndexError):
            continue
    return out


def descendants(root: int) -> list[int]:
    """Every living process below ``root`` in the process tree (children first)."""
    kids: dict[int, list[int]] = {}
    for pid, ppid in _parents().items():
        kids.setdefault(ppid, []).append(pid)
    out, todo = [], list(kids.get(root, []))
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(kids.get(pid, []))
    return out


def kill_tree(root: int, rounds: int = 50, spare: frozenset[int] = frozenset()) -> int:
    """SIGSTOP, then SIGKILL, every descendant of ``root`` until none is left; return how many.

    Stopping first freezes a fork loop so that no new child appears between the look and the
    kill. When ``root`` is this process, the dead children are reaped as well. The processes in
    ``spare`` are left alone (the descendants below them are not).
    """
    killed: set[int] = set()
    for _ in range(rounds):
        pids = [p for p in descendants(root)
                if p not in spare and (p not in killed or _alive(p))]
        if not pids:
            break
        for sig in (signal.SIGSTOP, signal.SIGKILL):
            for p in pids:
                try:
                    os.kill(p, sig)
                except (ProcessLookupError, PermissionError):
                    pass
        killed.update(pids)
        if root == os.getpid():
            _reap()
        time.sleep(0.01)
    if root == os.getpid():
        _reap()
    return len(killed)


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            stat = fh.read()
        return stat[stat.rindex(b")") + 2:][:1] not in (b"Z", b"X")
    except OSError:
        return False


def reaped():
    """``(pid, wait status)`` of each child of this process that has ended, without waiting."""
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        yield pid, status


def _reap() -> None:
    for _ in reaped():
        pass
