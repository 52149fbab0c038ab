"""The grading kernels forked from a warm process (``dlcourse/grading/_kernel_forker.py``).

A forked kernel must be what ``python _launcher.py`` makes of a fresh one: the same arguments,
folder, environment, memory cap, session and confinement, its own random numbers, and none of
the forker's descriptors; a forker that dies leaves fresh kernels; a worker that dies takes its
forker and kernels with it; and a class graded with forked kernels gets the gradebook fresh
kernels give. Each check runs the real path: a small worker-like script (``HARNESS``) that
starts the forker first, as ``_worker.py`` does, then runs notebooks through nbclient with the
grader's own kernelspec.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from conftest import ROOT, write_notebook
from dlcourse.grading import sandbox
from dlcourse.grading.batch import grade
from test_worker_zygote import IMPORTS, SOL, _wrong

pytestmark = pytest.mark.slow

HARNESS = r'''
import functools, importlib.util, json, logging, os, sys, tempfile, time
from pathlib import Path

import dlcourse.grading as grading
from dlcourse.grading import sandbox

here = Path(grading.__file__).parent
spec = importlib.util.spec_from_file_location("kf", here / "_kernel_forker.py")
kf = importlib.util.module_from_spec(spec)
spec.loader.exec_module(kf)
mode, outside = sys.argv[1], sys.argv[2]
if mode == "forker-dies-midway":
    sandbox.become_subreaper()  # as _worker.py: orphans come back to this process, unreaped
import numpy  # a draw before the fork (as a preloaded module might make): the kernels must
numpy.random.rand()  # not all inherit the state it left
report_r, report_w = os.pipe()  # as the worker's report pipe: the forker must not keep it
forker = kf.start()  # first, as _worker.py does (None when DLCOURSE_GRADE_WARM_KERNEL=0)
import nbformat
from nbclient import NotebookClient
from jupyter_client.provisioning import local_provisioner
from traitlets.config import Config
from dlcourse.grading.submission import KERNEL_NAME, make_kernelspec


class Catch(logging.Handler):
    """jupyter_client's warnings (it gives up waiting for a kernel's end after 5 s)."""
    seen = []

    def emit(self, record):
        self.seen.append(record.getMessage())


for name in ("", "traitlets", "NotebookClient"):
    logging.getLogger(name).addHandler(Catch())

if forker is not None:
    local_provisioner.launch_kernel = functools.partial(kf.launch, forker,
                                                        local_provisioner.launch_kernel)
root = Path(tempfile.mkdtemp())
os.environ["JUPYTER_PATH"] = str(make_kernelspec(root / "spec", 1500))
PROBE = """
import json, os, random, resource, sys
import numpy as np
escaped = True
try:
    open(OUTSIDE, "w").write("escaped")
except PermissionError:
    escaped = False
print(json.dumps({"pid": os.getpid(), "ppid": os.getppid(), "argv0": sys.argv[0],
    "cwd": os.getcwd(), "home": os.environ["HOME"], "jpy": os.environ.get("JPY_PARENT_PID"),
    "as": resource.getrlimit(resource.RLIMIT_AS)[0], "sid": os.getsid(0), "pgid": os.getpgid(0),
    "rand": [random.random(), float(np.random.rand())], "escaped": escaped,
    "bytecode": sys.dont_write_bytecode}))
""".replace("OUTSIDE", repr(outside))


def fd_targets(pid, skip=()):
    out = set()
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            if int(fd) not in skip:
                out.add(os.readlink(f"/proc/{pid}/fd/{fd}"))
        except OSError:
            pass
    return out


def run_one():
    box = Path(tempfile.mkdtemp(dir=root)).resolve()
    os.environ["DLCOURSE_SANDBOX_DIR"] = str(box)  # as _worker.py sets it for the launcher
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(PROBE)])
    # the kernel's channels and connection file in its folder, as _worker.py has them
    config = Config({"KernelManager": {"transport": "ipc", "ip": str(box / "kernel"),
                                       "connection_file": str(box / "kernel.json")}})
    client = NotebookClient(nb, kernel_name=KERNEL_NAME, shutdown_kernel="immediate",
                            resources={"metadata": {"path": str(box)}}, config=config)
    with client.setup_kernel():
        client.execute_cell(nb.cells[0], 0)
        got = json.loads(nb.cells[0].outputs[0]["text"])
        got["fds"] = sorted(fd_targets(got["pid"], skip=(0, 1, 2)))  # not the standard streams
        if mode == "orphan":
            print(json.dumps({"kernel": got["pid"], "forker": forker.pid}), flush=True)
            time.sleep(600)  # killed here by the test
        if mode == "forker-dies-midway" and not report["kernels"]:
            os.kill(forker.pid, 9)
            os.waitpid(forker.pid, 0)
            for _ in range(200):  # the kernel comes back to this process, its subreaper
                if got["pid"] in sandbox.descendants(os.getpid()):
                    break
                time.sleep(0.05)
    # (the client ended the kernel on leaving: it must have seen that end)
    got["ended"] = not os.path.exists(f"/proc/{got['pid']}")
    got["box"] = str(box)
    return got


report = {"me": os.getpid(), "forker": forker.pid if forker else None, "kernels": []}
if forker is not None:
    report["forker_fds"] = sorted(fd_targets(forker.pid) | fd_targets(os.getpid()))
    report["forker_own"] = sorted(fd_targets(forker.pid, skip=(0, 1, 2)))
    report["report_pipe"] = os.readlink(f"/proc/self/fd/{report_w}")
report["kernels"].append(run_one())
report["kernels"].append(run_one())
if mode == "kill-forker":
    os.kill(forker.pid, 9)
    time.sleep(0.5)
    report["kernels"].append(run_one())
report["warnings"] = Catch.seen
print(json.dumps(report))
'''


def _harness(tmp_path, mode: str, warm: bool = True, **kw):
    env = {**os.environ, "DLCOURSE_GRADE_WARM_KERNEL": "1" if warm else "0"}
    return subprocess.Popen([sys.executable, "-c", HARNESS, mode, str(tmp_path / "outside.txt")],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                            start_new_session=True, **kw)


def _report(tmp_path, mode: str, warm: bool = True) -> dict:
    proc = _harness(tmp_path, mode, warm)
    out, err = proc.communicate(timeout=240)
    assert proc.returncode == 0, err[-3000:]
    return json.loads(out.strip().splitlines()[-1])


def _the_same_kernel(k: dict, report: dict) -> None:
    """What a fresh kernel started by ``python _launcher.py 1500 -f ...`` is given."""
    box = os.path.realpath(k["box"])
    assert os.path.basename(k["argv0"]) == "_launcher.py", k["argv0"]
    assert os.path.realpath(k["cwd"]) == box
    assert os.path.realpath(k["home"]) == os.path.join(box, "home")  # the launcher's confinement
    assert k["as"] == 1500 << 20  # the memory cap
    assert k["sid"] == k["pgid"] == k["pid"]  # its own session, as Popen(start_new_session=True)
    assert k["jpy"] == str(k["ppid"])  # ipykernel watches the process that started it
    assert k["bytecode"] is True  # PYTHONDONTWRITEBYTECODE from the grader's kernelspec
    if sandbox.abi_version() >= 1:
        assert k["escaped"] is False, "the kernel wrote outside its folder"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux only")
def test_a_forked_kernel_is_what_a_fresh_one_is(tmp_path):
    warm = _report(tmp_path, "plain")
    fresh = _report(tmp_path, "plain", warm=False)
    assert fresh["forker"] is None
    for k in fresh["kernels"]:
        _the_same_kernel(k, fresh)
        assert k["ppid"] == fresh["me"]  # started by the worker itself
    for k in warm["kernels"]:
        _the_same_kernel(k, warm)
        assert k["ppid"] == warm["forker"]  # forked by the forker, not started afresh
        # beyond its standard streams (the worker's, as a fresh kernel's), none of the forker's
        # or the worker's sockets and pipes: only what ipykernel opened
        shared = {t for t in k["fds"] if t.startswith(("socket:", "pipe:"))} & set(warm["forker_fds"])
        assert not shared, f"a forked kernel holds the forker's or the worker's {shared}"
    # the forker itself keeps only its socket to the worker (and its own epoll), not the
    # worker's report pipe
    held = [t for t in warm["forker_own"] if t != "anon_inode:[eventpoll]"]
    assert len(held) == 1 and held[0].startswith("socket:"), \
        f"the forker holds {held} (the worker's report pipe is {warm['report_pipe']})"
    assert not (tmp_path / "outside.txt").exists()
    draws = [tuple(k["rand"]) for k in warm["kernels"]]
    assert draws[0][0] != draws[1][0] and draws[0][1] != draws[1][1], \
        "two forked kernels drew the same random numbers (random and NumPy not reseeded)"
    for r in (warm, fresh):
        assert all(k["ended"] for k in r["kernels"])
        assert not [w for w in r["warnings"] if "timed out" in w], r["warnings"]


def test_a_forker_that_dies_leaves_fresh_kernels(tmp_path):
    report = _report(tmp_path, "kill-forker")
    first, second, third = report["kernels"]
    assert first["ppid"] == second["ppid"] == report["forker"]
    assert third["ppid"] == report["me"]  # started afresh once the forker was gone
    _the_same_kernel(third, report)


def test_a_kernel_whose_forker_died_is_seen_to_end(tmp_path):
    """A forker killed while its kernel runs (the kernel dies with it, PR_SET_PDEATHSIG) leaves
    a dead kernel the worker, its subreaper, must notice: were its end missed, jupyter_client
    would wait 5 s for it, then warn and go on."""
    report = _report(tmp_path, "forker-dies-midway")
    first, second = report["kernels"]
    assert first["ppid"] == report["forker"] and second["ppid"] == report["me"]
    assert first["ended"] and second["ended"]
    waited = [w for w in report["warnings"] if "timed out" in w]
    assert not waited, waited


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            return fh.read().rsplit(b")", 1)[1].split()[0] != b"Z"
    except OSError:
        return False


def test_a_worker_that_dies_takes_its_forker_and_kernels_with_it(tmp_path):
    proc = _harness(tmp_path, "orphan")
    kernel = forker = None
    try:
        line = proc.stdout.readline()
        assert line, proc.stderr.read()[-3000:]
        pids = json.loads(line)
        kernel, forker = pids["kernel"], pids["forker"]
        assert _alive(kernel) and _alive(forker)
        os.kill(proc.pid, signal.SIGKILL)  # the worker dies, as a worker the grader kills
        proc.wait()
        end = time.monotonic() + 20
        while (_alive(kernel) or _alive(forker)) and time.monotonic() < end:
            time.sleep(0.05)
        assert not _alive(forker), "the forker outlived its worker"
        assert not _alive(kernel), "a forked kernel outlived its worker"
    finally:
        proc.kill()
        proc.wait()
        for pid in (kernel, forker):  # never leave one behind, even when the test fails
            if pid and _alive(pid):
                os.kill(pid, signal.SIGKILL)


def test_forked_kernels_grade_as_fresh_ones_do(tmp_path, monkeypatch):
    """A class with a right, a wrong, a crashing (the kernel replaced) and a deaf submission (an
    interrupt ignored: the kernel killed and replaced): the same gradebook from both kinds."""
    cells = {
        "right": [IMPORTS, (SOL["01.fit_threshold"], "01.fit_threshold"), (SOL["01.kmeans_step"], "01.kmeans_step")],
        "wrong": [IMPORTS, (_wrong("01.fit_threshold"), "01.fit_threshold"), "1 / 0"],
        "crash": [IMPORTS, "import os\nos._exit(3)", (SOL["01.kmeans_step"], "01.kmeans_step")],
        "deaf": [IMPORTS, "while True:\n    try:\n        sum(range(10**6))\n    except BaseException:\n        pass",
                 (SOL["01.fit_threshold"], "01.fit_threshold")],
    }
    subs = [write_notebook(tmp_path / f"01_{name}.ipynb", c) for name, c in cells.items()]

    def rows(name):
        got = grade(subs, tmp_path / f"{name}.csv", jobs=2, timeout=3, total_timeout=20,
                    log=str(tmp_path / f"{name}.log"))
        return sorted((os.path.basename(r.submission), r.exercise, r.status, r.score, r.feedback)
                      for r in got)

    forked = rows("forked")
    monkeypatch.setenv("DLCOURSE_GRADE_WARM_KERNEL", "0")
    fresh = rows("fresh")
    assert forked == fresh
    status = {(s, e): st for s, e, st, _, _ in fresh}
    assert status[("01_right.ipynb", "01.fit_threshold")] == "passed"
    assert status[("01_wrong.ipynb", "01.fit_threshold")] != "passed"
    assert status[("01_crash.ipynb", "01.kmeans_step")] == "passed"  # in a second kernel
    assert status[("01_deaf.ipynb", "01.fit_threshold")] == "passed"  # in a second kernel
    for name in ("forked", "fresh"):
        log = (tmp_path / f"{name}.log").read_text(encoding="utf-8")
        blocks = {b.split("\n", 1)[0]: b for b in log.split("=== ")[1:]}
        for sub in subs:
            starts = "2 kernel start(s)" if sub.stem in ("01_crash", "01_deaf") else "1 kernel start(s)"
            # a worker's forker outlives the kernel it ended: the second kernel is forked too
            forked = {"forked": starts + ", " + starts[0] + " forked", "fresh": starts + "\n"}[name]
            assert forked in blocks[str(sub)], blocks[str(sub)]


def test_the_preload_settings_are_the_kernelspecs(tmp_path):
    """_kernel_forker.py imports nothing of dlcourse, so it keeps its own copy of the settings
    the grader's kernelspec gives every kernel, which the modules it preloads read as they are
    imported (the thread counts, debugpy's file validation): the copy must not drift."""
    import importlib.util

    from dlcourse.grading import submission

    spec = importlib.util.spec_from_file_location(
        "kf_settings", ROOT / "dlcourse" / "grading" / "_kernel_forker.py")
    kf = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(kf)
    root = submission.make_kernelspec(tmp_path, 1500)
    env = json.loads((root / "kernels" / submission.KERNEL_NAME / "kernel.json").read_text())["env"]
    assert kf._PRELOAD_SETTINGS == {k: env.get(k) for k in kf._PRELOAD_SETTINGS}
    assert set(kf.KERNEL_THREADS) <= set(kf._PRELOAD_SETTINGS)
