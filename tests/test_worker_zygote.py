"""The batch grader's worker zygote (``dlcourse/grading/_zygote.py``): the workers it forks grade
as freshly started ones do, a zygote that dies or never starts costs nothing but time, a worker
that hangs is ended, and no worker or kernel holds a descriptor of the zygote's."""
from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from conftest import load_solutions, write_notebook
from dlcourse.grading import submission
from dlcourse.grading.batch import grade

pytestmark = pytest.mark.slow

SOL = load_solutions("01").SOLUTIONS
WRONG = load_solutions("01").WRONG
IMPORTS = "import numpy as np\nfrom dlcourse.grading import check, score_table"


def _wrong(ex_id):
    w = WRONG[ex_id][0]
    return w if isinstance(w, str) else w[0]


def _spawns(monkeypatch) -> list:
    """Record what each WorkerZygote.spawn returned (None: the grader started the worker)."""
    seen = []
    real = submission.WorkerZygote.spawn

    def spawn(self, *args):
        got = real(self, *args)
        seen.append(got)
        return got

    monkeypatch.setattr(submission.WorkerZygote, "spawn", spawn)
    return seen


def _class(tmp_path):
    cells = {
        "right": [IMPORTS, (SOL["01.fit_threshold"], "01.fit_threshold"), (SOL["01.kmeans_step"], "01.kmeans_step")],
        "wrong": [IMPORTS, (_wrong("01.fit_threshold"), "01.fit_threshold"), "1 / 0"],
        "crash": [IMPORTS, "import os\nos._exit(3)", (SOL["01.kmeans_step"], "01.kmeans_step")],
    }
    return [write_notebook(tmp_path / f"01_{name}.ipynb", c) for name, c in cells.items()]


def _rows(rows):
    return sorted((os.path.basename(r.submission), r.exercise, r.status, r.score, r.feedback) for r in rows)


def test_forked_workers_grade_as_fresh_ones_do(tmp_path, monkeypatch):
    subs = _class(tmp_path)
    seen = _spawns(monkeypatch)
    forked = grade(subs, tmp_path / "forked.csv", jobs=2, timeout=20)
    assert len(seen) == 3 and all(s is not None for s in seen), seen  # all three were forked
    seen.clear()
    monkeypatch.setenv("DLCOURSE_GRADE_ZYGOTE", "0")
    fresh = grade(subs, tmp_path / "fresh.csv", jobs=2, timeout=20)
    assert seen == [None, None, None]  # the grader started each worker itself
    assert _rows(forked) == _rows(fresh)
    statuses = {(s, e): st for s, e, st, _, _ in _rows(fresh)}
    assert statuses[("01_right.ipynb", "01.fit_threshold")] == "passed"
    assert statuses[("01_wrong.ipynb", "01.fit_threshold")] != "passed"
    assert statuses[("01_crash.ipynb", "01.kmeans_step")] == "passed"  # the kernel was restarted


def test_a_zygote_that_dies_leaves_the_grading_to_fresh_workers(tmp_path, monkeypatch):
    subs = _class(tmp_path)[:2]
    reference = grade(subs, tmp_path / "ref.csv", jobs=1, timeout=20)
    real_start = submission.WorkerZygote._start

    def start_then_die(self):
        real_start(self)
        self._proc.kill()
        self._proc.wait()

    monkeypatch.setattr(submission.WorkerZygote, "_start", start_then_die)
    seen = _spawns(monkeypatch)
    rows = grade(subs, tmp_path / "dead.csv", jobs=1, timeout=20)
    assert seen == [None, None]
    assert _rows(rows) == _rows(reference)


def test_a_worker_that_hangs_is_ended(tmp_path):
    """The grader's wall-clock backstop on a forked worker: here one that waits for ever to read
    its job (a pipe nobody writes)."""
    zygote = submission.WorkerZygote()
    job = tmp_path / "job.json"
    os.mkfifo(job)
    r, w = os.pipe()
    log = os.open(os.devnull, os.O_WRONLY)
    try:
        got = zygote.spawn(job, w, log, tmp_path, dict(os.environ))
    finally:
        os.close(w)
        os.close(log)
    assert got is not None
    pid, answer = got
    end = time.monotonic() + 10  # the child makes its own session first thing
    while os.getpgid(pid) != pid and time.monotonic() < end:
        time.sleep(0.01)
    assert os.getpgid(pid) == pid  # its own process group, as a started worker's
    reader = threading.Thread(target=lambda: os.read(r, 1), daemon=True)
    reader.start()
    t0 = time.monotonic()
    timed_out, status = submission._wait_forked(pid, answer, reader, 1.0)
    assert timed_out and status == -9, (timed_out, status)  # SIGKILL, as the zygote saw it
    assert time.monotonic() - t0 < 30
    zygote.close()
    os.close(r)


#: In a fresh process: load the zygote's worker as it does, then do with a notebook of each
#: format 4.0-4.5 what a worker does with a submission (read its cells, build the notebook the
#: kernel runs, turn the kernel's messages into outputs); print the schemas compiled meanwhile.
_SCHEMAS_USED = """
import importlib.util, json, sys
import nbformat.validator
spec = importlib.util.spec_from_file_location("_zyg", sys.argv[1])
zygote = importlib.util.module_from_spec(spec)
spec.loader.exec_module(zygote)
worker = zygote._load_worker()
before = set(nbformat.validator.validators)
job = {"harvest_source": "pass", "workdir": sys.argv[2], "nonce": "n", "kernel_name": "k",
       "inputs": "inputs.json"}
for path in sys.argv[3:]:
    nb = worker._grading_notebook(job, worker._learner_cells(path), 2)
    for msg in ({"msg_type": "stream", "content": {"name": "stdout", "text": "hi"}},
                {"msg_type": "execute_result",
                 "content": {"data": {"text/plain": "1"}, "metadata": {}, "execution_count": 1}},
                {"msg_type": "error",
                 "content": {"ename": "E", "evalue": "e", "traceback": ["t"]}}):
        nb.cells[0].outputs.append(nbformat.v4.output_from_msg(
            {"header": {"msg_type": msg["msg_type"]}, "content": msg["content"]}))
    nbformat.validate(nb)
print(json.dumps(sorted(map(list, set(nbformat.validator.validators) - before))))
"""


def test_the_zygote_compiles_every_schema_a_worker_validates_with(tmp_path):
    """A schema the zygote did not compile is compiled again by every worker that needs it
    (65 ms per submission). Notebooks of formats 4.0 (what Colab writes) to 4.5 need none."""
    import json
    import subprocess
    import sys

    import nbformat

    paths = []
    for minor in range(6):
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")])
        nb.nbformat_minor = minor
        if minor < 5:   # cell ids came with 4.5
            del nb.cells[0]["id"]
        path = tmp_path / f"4_{minor}.ipynb"
        path.write_text(json.dumps(nb), encoding="utf-8")
        paths.append(str(path))
    zygote = Path(submission.__file__).with_name("_zygote.py")
    out = subprocess.run([sys.executable, "-c", _SCHEMAS_USED, str(zygote), str(tmp_path), *paths],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-3000:]
    assert json.loads(out.stdout.strip().splitlines()[-1]) == [], \
        f"schemas a worker compiled for itself: {out.stdout}"


def _fd_targets(pid: int) -> dict[str, str]:
    out = {}
    try:
        for fd in os.listdir(f"/proc/{pid}/fd"):
            try:
                out[fd] = os.readlink(f"/proc/{pid}/fd/{fd}")
            except OSError:
                pass
    except OSError:
        pass
    return out


def _children(pid: int) -> list[int]:
    kids = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/stat", "rb") as fh:
                    if int(fh.read().rsplit(b")", 1)[1].split()[1]) == pid:
                        kids.append(int(d))
            except OSError:
                pass
    return kids


def test_no_worker_or_kernel_holds_a_descriptor_of_the_zygote(tmp_path):
    """While two submissions run (their kernels asleep), look at every descriptor of their
    workers, kernel forkers and kernels: none is one of the zygote's sockets (its control socket, the answer
    sockets of the requests); a worker has only its standard streams, its report pipe and
    what it opened itself."""
    sleepy = [IMPORTS, "import time\ntime.sleep(4)", (SOL["01.fit_threshold"], "01.fit_threshold")]
    subs = [write_notebook(tmp_path / f"01_sleepy{i}.ipynb", sleepy) for i in range(2)]
    seen: dict = {}

    def look():
        end = time.monotonic() + 60
        while time.monotonic() < end and not seen.get("kernels"):
            for z in _children(os.getpid()):
                try:
                    cmd = open(f"/proc/{z}/cmdline", "rb").read()
                except OSError:
                    continue
                if b"_zygote.py" not in cmd:
                    continue
                workers = _children(z)
                # under each worker: its kernel forker and the kernel forked from it
                kernels = [k for wk in workers for c in _children(wk) for k in (c, *_children(c))]
                if len(workers) == 2 and len(kernels) == 4:
                    time.sleep(1.0)  # the kernels are up and asleep
                    seen["zygote"] = _fd_targets(z)
                    seen["workers"] = {w: _fd_targets(w) for w in workers}
                    seen["kernels"] = {k: _fd_targets(k) for k in kernels}
                    return
            time.sleep(0.1)

    t = threading.Thread(target=look)
    t.start()
    rows = grade(subs, tmp_path / "g.csv", jobs=2, timeout=20)
    t.join()
    assert {r.status for r in rows if r.exercise == "01.fit_threshold"} == {"passed"}
    assert seen.get("kernels"), "did not find two forked workers with their kernels"
    theirs = {v for v in seen["zygote"].values() if v.startswith("socket:")}
    assert theirs  # the control socket and the answer sockets
    for kind in ("workers", "kernels"):
        for pid, fds in seen[kind].items():
            shared = theirs & set(fds.values())
            assert not shared, f"{kind[:-1]} {pid} holds the zygote's {shared}"
    for pid, fds in seen["workers"].items():
        assert fds["0"] == fds["1"] == "/dev/null", fds
        assert fds["3"].startswith("pipe:"), fds
