"""Adversarial tests of the batch grader (``dlcourse grade``), on small chapter-01 notebooks.

One grader run covers most notebooks (module fixture); each test then reads its own rows.
"""
from __future__ import annotations

import csv
import hashlib
import os
import signal
import subprocess
import sys
import time

import pytest

from conftest import ROOT, load_solutions, write_notebook
from dlcourse.grading import exercises, sandbox
from dlcourse.grading.batch import COLUMNS, chapter_of, grade
from dlcourse.grading.cli import main

pytestmark = pytest.mark.slow

SOL = load_solutions("01").SOLUTIONS
# wrong answers' sources (an entry may be (source, hint) to name the hint it triggers)
WRONG = {k: [w if isinstance(w, str) else w[0] for w in v] for k, v in load_solutions("01").WRONG.items()}
IMPORTS = "import numpy as np\nfrom dlcourse.grading import check, score_table"
CH01 = [ex.id for ex in exercises("01")]


def _ans(ex_id, src=None):
    return (SOL[ex_id] if src is None else src, ex_id)


NOTEBOOKS = {
    # everything right
    "full": [IMPORTS] + [_ans(e) for e in CH01],
    # wrong answers, then every trick to make an in-kernel check say "pass"
    "monkeypatch": [IMPORTS, _ans("01.fit_threshold", WRONG["01.fit_threshold"][0]),
                    _ans("01.kmeans_step", WRONG["01.kmeans_step"][1]),
                    "np.allclose = lambda *a, **k: True\nnp.isclose = lambda a, b, **k: np.ones(np.shape(b), bool)\n"
                    "np.array_equal = lambda *a, **k: True\n"
                    "import dlcourse.grading as g, dlcourse.grading.spec as s, dlcourse.grading.checker as c\n"
                    "s.compare = lambda *a, **k: (True, '')\nc.compare = s.compare\n"
                    "def check(*a, **k): print('passed, 2/2 points')\ng.check = check\n"
                    "import builtins\nbuiltins.abs = lambda x: 0"],
    # an ndarray subclass whose comparisons always say True
    "liar": [IMPORTS, _ans("01.kmeans_step",
                           "class Liar(np.ndarray):\n"
                           "    def __eq__(self, o): return True\n"
                           "    def __ne__(self, o): return False\n"
                           "    def __array_finalize__(self, obj): pass\n"
                           "def kmeans_step(X, centroids):\n"
                           "    return np.zeros_like(np.asarray(centroids, float)).view(Liar)\n")],
    # writes forged harvest outputs and a gradebook into every folder it can guess
    "forger": [IMPORTS, _ans("01.epsilon_greedy", WRONG["01.epsilon_greedy"][0]),
               "import json, os, glob\n"
               "for k in range(5):\n"
               "    for nonce in ['', 'x']:\n"
               "        open(f'harvest_{nonce}_{k}.json', 'w').write(json.dumps({'status': 'passed', 'score': 1}))\n"
               "open('grades.csv', 'w').write('forged')\n"
               "for f in glob.glob('*.json'):\n"
               "    try: os.chmod(f, 0o444)\n"
               "    except OSError: pass"],
    # the kernel exits at top level between two right answers
    "exit_top": [IMPORTS, _ans("01.fit_threshold"), "import os\nos._exit(3)", _ans("01.kmeans_step")],
    # an answer that kills the kernel when called, and one right answer after it
    "exit_in_answer": [IMPORTS, _ans("01.fit_threshold", "def fit_threshold(x, y):\n    import os\n    os._exit(1)\n"),
                       _ans("01.kmeans_step"), _ans("01.epsilon_greedy")],
    # infinite loops: at top level (interruptible), one that swallows the interrupt, and in answers
    "loop_top": [IMPORTS, _ans("01.fit_threshold"), "while True:\n    pass", _ans("01.kmeans_step")],
    # (named to sort first: the grader takes the submissions in the order of their paths, and
    # this one waits out its wall-clock backstops, about 74 s, so it starts at once while the
    # other job slot grades the rest; sorted 11th, it made the fixture 84 s long instead of 74)
    "asleep_stubborn": [IMPORTS, _ans("01.fit_threshold"),
                        "import time\nwhile True:\n    try:\n        time.sleep(0.05)\n    except BaseException:\n        pass",
                        _ans("01.epsilon_greedy")],
    "loop_in_answer": [IMPORTS, _ans("01.fit_threshold", "def fit_threshold(x, y):\n    while True:\n        pass\n"),
                       _ans("01.kmeans_step", "def kmeans_step(X, c):\n    while True:\n        try:\n"
                                              "            pass\n        except BaseException:\n            pass\n"),
                       _ans("01.epsilon_greedy")],
    # megabytes of output
    "chatty": [IMPORTS, "for i in range(60000):\n    print('spam ' * 40)", _ans("01.epsilon_greedy")],
    # memory hogs: one big allocation, and a slow growth
    "hog": [IMPORTS, "x = np.ones((40000, 40000))", "chunks = []\nwhile True:\n    chunks.append(bytearray(50 << 20))",
            _ans("01.kmeans_step")],
    # a syntax error in one answer, a renamed answer, a missing one
    "syntax": [IMPORTS, _ans("01.fit_threshold", "def fit_threshold(x, y)\n    return 0.0\n"),
               _ans("01.kmeans_step", SOL["01.kmeans_step"].replace("def kmeans_step", "def kmeans_stepp")),
               _ans("01.epsilon_greedy")],
    # the course's own code as the answer
    "reference": [IMPORTS, _ans("01.fit_threshold",
                                "from dlcourse.grading.ch01 import _fit_threshold_reference as fit_threshold"),
                  _ans("01.kmeans_step", "from dlcourse.grading import ch01 as helpers\n"
                                         "def kmeans_step(X, c):\n    return helpers._kmeans_step_reference(X, c)\n"),
                  _ans("01.epsilon_greedy")],
    # reuse hidden from the text, a torch tensor and a list where NumPy arrays are asked
    "hidden_reuse": [IMPORTS, _ans("01.epsilon_greedy",
                                   "import importlib\n"
                                   "def choose_action(q, e, u, r):\n"
                                   "    m = importlib.import_module('dl' + 'course.grading.ch01')\n"
                                   "    return m._epsilon_greedy_reference(q, e, u, r)\n"),
                     _ans("01.kmeans_step", SOL["01.kmeans_step"].replace(
                         "def kmeans_step(X, centroids):", "def _k(X, centroids):")
                         + "\ndef kmeans_step(X, centroids):\n    return _k(X, centroids).tolist()\n"),
                     _ans("01.fit_threshold", "import torch\n" + SOL["01.fit_threshold"].replace(
                         "def fit_threshold(x, y):", "def _t(x, y):")
                         + "\ndef fit_threshold(x, y):\n    return torch.tensor(_t(x, y))\n")],
    # an answer that changes its inputs in place, and partial credit
    "partial": [IMPORTS, _ans("01.kmeans_step", WRONG["01.kmeans_step"][0]),
                _ans("01.paradigm", WRONG["01.paradigm"][0])],
}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    folder = tmp_path_factory.mktemp("subs")
    paths = {name: write_notebook(folder / f"01_{name}.ipynb", cells) for name, cells in NOTEBOOKS.items()}
    paths["bad_json"] = folder / "01_bad_json.ipynb"
    paths["bad_json"].write_text("{ this is not json", encoding="utf-8")
    paths["no_chapter"] = write_notebook(folder / "homework.ipynb", [IMPORTS, _ans("01.fit_threshold")], chapter=None)
    digests = {n: hashlib.sha256(p.read_bytes()).hexdigest() for n, p in paths.items()}
    out = folder / "grades.csv"
    log = folder / "grading.log"
    rows = grade(list(paths.values()), out, timeout=4, total_timeout=60, jobs=2, memory_mb=1500, log=str(log))
    by = {}
    for r in rows:
        name = next(n for n, p in paths.items() if str(p) == r.submission)
        by.setdefault(name, {})[r.exercise] = r
    from dlcourse.grading import batch

    return {"rows": by, "paths": paths, "digests": digests, "out": out, "batch_id": batch.LAST_BATCH_ID,
            "log": log.read_text(encoding="utf-8")}


def _st(graded, name):
    return {k: r.status for k, r in graded["rows"][name].items()}


def test_csv_has_every_exercise_and_the_columns(graded):
    with open(graded["out"], newline="", encoding="utf-8") as fh:
        data = list(csv.reader(fh))
    assert data[0] == COLUMNS
    for name in NOTEBOOKS:
        assert sorted(graded["rows"][name]) == sorted(CH01), name
    assert len(data) - 1 == sum(len(v) for v in graded["rows"].values())


def test_submissions_are_never_modified(graded):
    for n, p in graded["paths"].items():
        assert hashlib.sha256(p.read_bytes()).hexdigest() == graded["digests"][n]


def test_full_marks(graded):
    assert set(_st(graded, "full").values()) == {"passed"}
    assert all(r.score == r.max_score for r in graded["rows"]["full"].values())


def test_monkeypatching_numpy_or_checker_cannot_forge_a_pass(graded):
    rows = graded["rows"]["monkeypatch"]
    assert rows["01.fit_threshold"].score < rows["01.fit_threshold"].max_score
    assert rows["01.kmeans_step"].score < rows["01.kmeans_step"].max_score
    assert rows["01.paradigm"].status == "missing"


def test_lying_ndarray_subclass_fails(graded):
    r = graded["rows"]["liar"]["01.kmeans_step"]
    assert r.status == "failed" and r.score == 0


def test_forged_files_do_not_pass(graded):
    rows = graded["rows"]["forger"]
    assert rows["01.epsilon_greedy"].score < rows["01.epsilon_greedy"].max_score
    assert all(r.status != "passed" for r in rows.values())


def test_kernel_exit_at_top_level(graded):
    st = _st(graded, "exit_top")
    assert st["01.fit_threshold"] == "passed" and st["01.kmeans_step"] == "passed"
    assert "died" in graded["rows"]["exit_top"]["01.paradigm"].feedback
    assert st["01.paradigm"] == "crashed"  # the status the teacher guide documents for os._exit


def test_kernel_exit_inside_an_answer(graded):
    st = _st(graded, "exit_in_answer")
    assert st["01.fit_threshold"] == "crashed"
    assert st["01.kmeans_step"] == "passed" and st["01.epsilon_greedy"] == "passed"


def test_infinite_loops(graded):
    assert _st(graded, "loop_top")["01.kmeans_step"] == "passed"
    assert _st(graded, "asleep_stubborn")["01.fit_threshold"] == "passed"
    assert _st(graded, "asleep_stubborn")["01.epsilon_greedy"] == "passed"
    st = _st(graded, "loop_in_answer")
    assert st["01.fit_threshold"] == "timeout" and st["01.kmeans_step"] == "timeout"
    assert st["01.epsilon_greedy"] == "passed"


def test_megabytes_of_output(graded):
    r = graded["rows"]["chatty"]["01.epsilon_greedy"]
    assert r.status == "passed"
    assert "truncated" in graded["rows"]["chatty"]["01.paradigm"].feedback


def test_memory_hog(graded):
    assert _st(graded, "hog")["01.kmeans_step"] == "passed"


def test_syntax_error_renamed_and_missing(graded):
    rows = graded["rows"]["syntax"]
    assert rows["01.fit_threshold"].status == "error" and "SyntaxError" in rows["01.fit_threshold"].feedback
    assert rows["01.kmeans_step"].status == "missing" and "kmeans_stepp" in rows["01.kmeans_step"].feedback
    assert rows["01.paradigm"].status == "missing"
    assert rows["01.epsilon_greedy"].status == "passed"


def test_course_reference_scores_zero(graded):
    rows = graded["rows"]["reference"]
    assert rows["01.fit_threshold"].status == "uses_reference" and rows["01.fit_threshold"].score == 0
    assert rows["01.kmeans_step"].status == "uses_reference" and rows["01.kmeans_step"].score == 0
    assert rows["01.epsilon_greedy"].status == "passed"


def test_partial_credit(graded):
    rows = graded["rows"]["partial"]
    assert rows["01.kmeans_step"].status == "partial" and 0 < rows["01.kmeans_step"].score < 2
    assert rows["01.paradigm"].status == "partial"
    assert rows["01.fit_threshold"].status == "missing"


def test_unreadable_and_unlabelled_notebooks(graded):
    assert set(_st(graded, "bad_json").values()) == {"error"}
    assert sorted(graded["rows"]["bad_json"]) == sorted(CH01)  # chapter from the file name
    assert list(graded["rows"]["no_chapter"]) == [""]
    assert graded["rows"]["no_chapter"][""].status == "error"


def test_no_kernel_left_running(graded):
    tag = f"DLCOURSE_GRADE_BATCH={graded['batch_id']}".encode()
    left = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/environ", "rb") as fh:
                if tag in fh.read().split(b"\0"):
                    left.append(pid)
        except OSError:
            continue
    assert graded["batch_id"] and not left


def test_chapter_of(tmp_path):
    p = write_notebook(tmp_path / "whatever.ipynb", [IMPORTS], chapter="03")
    assert chapter_of(p) == "03"
    q = write_notebook(tmp_path / "07_vanishing.ipynb", [IMPORTS], chapter=None)
    assert chapter_of(q) == "07"


def test_usage_errors(tmp_path, capsys):
    sub = write_notebook(tmp_path / "01_x.ipynb", [IMPORTS])
    assert main([str(sub), "--out", str(sub)]) == 2  # refuses to overwrite a submission
    assert "refusing" in capsys.readouterr().err
    assert main([str(tmp_path / "nope.ipynb"), "--out", str(tmp_path / "g.csv")]) == 2
    assert main([str(sub)]) == 2  # --out is required
    assert main([str(sub), "--out", str(tmp_path / "no" / "g.csv")]) == 2
    assert not (tmp_path / "g.csv").exists()


def test_command_line_end_to_end(tmp_path):
    sub = write_notebook(tmp_path / "01_cli.ipynb", [IMPORTS, _ans("01.epsilon_greedy")])
    out = tmp_path / "g.csv"
    proc = subprocess.run([sys.executable, "-m", "dlcourse.grading", str(sub), "--out", str(out), "--jobs", "1"],
                          capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert "Graded 1 submission" in proc.stdout
    rows = list(csv.DictReader(open(out, encoding="utf-8")))
    assert {r["exercise"]: r["status"] for r in rows}["01.epsilon_greedy"] == "passed"
    assert not any(f.startswith(".grades-") for f in os.listdir(tmp_path))


def test_reuse_hidden_from_the_text_and_non_numpy_results(graded):
    rows = graded["rows"]["hidden_reuse"]
    r = rows["01.epsilon_greedy"]
    assert r.status == "uses_reference" and r.score == 0 and "dlcourse.grading.ch01" in r.feedback
    r = rows["01.kmeans_step"]
    assert r.status == "error" and r.score == 0 and "list where a NumPy array is asked" in r.feedback
    r = rows["01.fit_threshold"]
    assert r.status == "error" and r.score == 0 and "torch tensor" in r.feedback


def test_log_names_each_submission_and_what_happened(graded):
    log = graded["log"]
    blocks = {}
    for block in log.split("=== ")[1:]:
        name, _, body = block.partition("\n")
        blocks[name.strip()] = body
    for n, p in graded["paths"].items():
        assert str(p) in blocks, f"the log does not name {p}"
        assert " s wall, " in blocks[str(p)] and "kernel CPU" in blocks[str(p)]
    assert "ran out of time" in blocks[str(graded["paths"]["loop_top"])]
    assert "truncated" in blocks[str(graded["paths"]["chatty"])]
    assert "died" in blocks[str(graded["paths"]["exit_top"])]
    assert "MemoryError" in blocks[str(graded["paths"]["hog"])]
    assert "01.kmeans_step: timeout" in blocks[str(graded["paths"]["loop_in_answer"])]


class _Throttled:
    """Everything this process starts (the grader's workers, their kernels) gets ``share`` of the
    wall-clock time, as on a busy machine: stopped (SIGSTOP) for the rest of every ``period``
    seconds. Their CPU time is what it would be on a quiet machine; their wall-clock time is
    1 / ``share`` times longer.

    This test once loaded the machine with six busy processes instead. That burned about 50
    core-seconds of the suite, and tested less than it seemed to: Linux shares the CPU between
    sessions first (``sched_autogroup_enabled``, on by default here), the grader starts each
    kernel in a session of its own, and the six burners, in pytest's session, took one
    session's share. The kernel ran at about half a core, and the test passed with a
    wall-clock limit in place of the CPU-time one. Stopping the processes does not depend on
    how the scheduler shares the machine."""

    def __init__(self, share: float = 0.25, period: float = 0.2):
        import threading

        self.share, self.period = share, period
        self.deepest = 0   # the deepest process stopped: 1, a child of this one; 2, a grandchild...
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @staticmethod
    def _descendants() -> dict[int, int]:
        """{pid: depth} of every process below this one (the grader's own sandbox.descendants,
        with the depth)."""
        kids: dict[int, list[int]] = {}
        for pid, ppid in sandbox._parents().items():
            kids.setdefault(ppid, []).append(pid)
        found, todo = {}, [(os.getpid(), 0)]
        while todo:
            parent, depth = todo.pop()
            for child in kids.get(parent, ()):
                found[child] = depth + 1
                todo.append((child, depth + 1))
        return found

    @staticmethod
    def _signal(pids, sig) -> None:
        for pid in pids:
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                pass

    def _run(self) -> None:
        while not self._done.is_set():
            found = self._descendants()
            self._signal(found, signal.SIGSTOP)
            self.deepest = max([self.deepest, *found.values()])
            time.sleep(self.period * (1 - self.share))
            self._signal(found, signal.SIGCONT)
            self._done.wait(self.period * self.share)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._done.set()
        self._thread.join()
        self._signal(self._descendants(), signal.SIGCONT)


def _steps(cpu_seconds: float) -> int:
    """How many steps of the cell's loop take about ``cpu_seconds`` of CPU time on this machine,
    measured as the cell runs it: at the top level, where ``s`` and ``i`` are globals (slower
    than in a function)."""
    import time

    n = 2_000_000
    loop = compile("s = 0\nfor i in range(n):\n    s += i\n", "<calibration>", "exec")
    start = time.process_time()
    exec(loop, {"n": n})
    return max(1, int(n * cpu_seconds / max(time.process_time() - start, 1e-6)))


def test_same_gradebook_on_a_quiet_and_on_a_loaded_machine(tmp_path):
    """CPU-time limits: the verdicts do not depend on what else the machine is doing."""
    cells = {
        "full": [IMPORTS] + [_ans(e) for e in CH01],
        "wrong": [IMPORTS, _ans("01.kmeans_step", WRONG["01.kmeans_step"][0]), _ans("01.epsilon_greedy")],
        # honest work of about 1 s of CPU in the answer's cell, under a 3 s cell limit: a
        # wall-clock limit runs out on a loaded machine (here: the grader's processes get a
        # quarter of the wall-clock time), a CPU-time limit does not. The loop's length is
        # measured on this machine: a fixed 20 million steps took 3 s of CPU on a slower 2-core
        # machine and ran out of even the CPU-time limit, quiet or loaded.
        "work": [IMPORTS, _ans("01.fit_threshold", f"s = 0\nfor i in range({_steps(1.0)}):\n"
                                                   "    s += i\n" + SOL["01.fit_threshold"])],
        "loops": [IMPORTS, _ans("01.fit_threshold", "def fit_threshold(x, y):\n    while True:\n        pass\n"),
                  "while True:\n    pass", _ans("01.epsilon_greedy")],
    }
    subs = [write_notebook(tmp_path / f"01_{n}.ipynb", c) for n, c in cells.items()]

    def run(subs, out):
        rows = grade(subs, tmp_path / out, timeout=3, total_timeout=60, jobs=2)
        return {(r.submission, r.exercise): (r.status, r.score) for r in rows}

    quiet = run(subs, "quiet.csv")
    # Loaded, the answers whose verdict a wall-clock limit would change: "work" (its 1 s of CPU
    # takes about 4 s of wall-clock time at a quarter of it). "loops" times out under any limit,
    # loaded or not, and would only make the loaded run 12 s longer.
    with _Throttled(share=0.25) as throttle:
        loaded = run(subs[:3], "loaded.csv")
    # It reached the kernels: pytest, the workers' zygote (1), a worker (2), its kernel (3, or 4
    # when forked by the worker's kernel forker).
    assert throttle.deepest >= 3, f"the throttle stopped nothing below level {throttle.deepest}"
    assert loaded == {k: v for k, v in quiet.items() if k[0] != str(subs[3])}
    assert quiet[(str(subs[2]), "01.fit_threshold")][0] == "passed"  # the honest slow cell
    assert quiet[(str(subs[3]), "01.fit_threshold")][0] == "timeout"
    assert quiet[(str(subs[3]), "01.epsilon_greedy")][0] == "passed"
    assert all(st == "passed" for (s, _), (st, _) in quiet.items() if s == str(subs[0]))
