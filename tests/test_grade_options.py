"""The teacher's options of ``dlcourse grade`` (issue 14): the ``student`` column, the
chapter/file-name flag, ``--feedback`` pages (and an attack on them), ``--exercise`` into an
existing gradebook, the result cache (and resuming an interrupted run), ``--seed`` against a
memorising answer, and ``--shard``'s shares. Small chapter-01 classes: kernels are costly."""
from __future__ import annotations

import csv
import json
import os
import re
from html.parser import HTMLParser

import numpy as np
import pytest

from conftest import load_solutions, write_notebook
from dlcourse.grading import get, submission
from dlcourse.grading.batch import grade
from dlcourse.grading.cli import main, parser
from dlcourse.grading.feedback import page_name, write_page
from dlcourse.grading.judge import expected_values
from dlcourse.grading.merge import read_manifest
from dlcourse.grading.roster import (DEFAULT_STUDENT_PATTERN, identify, manifest, parse_shard,
                                     shard)

IMPORTS = "import numpy as np\nfrom dlcourse.grading import check, score_table"
CH01 = load_solutions("01")
SOL = CH01.SOLUTIONS
ATTACK = "<script>alert('x')</script><img src=x onerror=alert(1)>"


def _wrong(ex_id, i=0):
    w = CH01.WRONG[ex_id][i]
    return w if isinstance(w, str) else w[0]


def _read(path):
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.reader(fh))


# --------------------------------------------------------------------------- the command
@pytest.mark.parametrize("command", [["-m", "dlcourse.grading"], ["-m", "dlcourse", "grade"]])
def test_both_commands_list_every_option_with_its_help(command):
    """``python -m dlcourse.grading`` and ``dlcourse grade`` (cli.py) show every option."""
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, *command, "--help"], capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0, proc.stderr
    text = " ".join(proc.stdout.split())
    for action in parser()._actions:
        for flag in action.option_strings:
            assert flag in text, f"{' '.join(command)} --help does not list {flag}"
        if action.help and action.help != "==SUPPRESS==":
            assert " ".join(action.help.split()[:4]) in text, f"no help for {action.dest}"
    assert len(parser()._actions) >= 16


# --------------------------------------------------------------------------- students
def test_student_from_metadata_else_file_name(tmp_path):
    a = write_notebook(tmp_path / "03_kim-minji.ipynb", [IMPORTS], chapter="03")
    assert identify(str(a)).student == "kim-minji"
    assert identify(str(a)).chapter == "03" and identify(str(a)).note == ""
    b = write_notebook(tmp_path / "03_whoever.ipynb", [IMPORTS], chapter="03")
    nb = json.loads(b.read_text())
    nb["metadata"]["dlcourse"]["student"] = "s1234"
    b.write_text(json.dumps(nb))
    assert identify(str(b)).student == "s1234"  # the metadata wins
    c = write_notebook(tmp_path / "lee_55_03_activation.ipynb", [IMPORTS], chapter="03")
    assert identify(str(c), r"^(?P<student>[^_]+)_").student == "lee"
    assert identify(str(c), r"^([a-z]+)_(\d+)").student == "lee"  # first group
    assert identify(str(c)).student == "lee_55_03_activation"  # no match: the stem
    assert re.compile(DEFAULT_STUDENT_PATTERN)


def test_chapter_metadata_and_file_name_disagree(tmp_path):
    p = write_notebook(tmp_path / "04_ana.ipynb", [IMPORTS], chapter="01")
    who = identify(str(p))
    assert who.chapter == "01" and "chapter 04" in who.note and "chapter 01" in who.note


# --------------------------------------------------------------------------- one graded class
@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """One CLI run: three submissions, one with an attack, one misnamed."""
    root = tmp_path_factory.mktemp("opts")
    subs = root / "class"
    subs.mkdir()
    attack = [IMPORTS,
              ("PARADIGM = {k: " + repr(ATTACK) + " for k in ['spam_filter', 'chess_agent']}",
               "01.paradigm"),
              ("def kmeans_step(X, c):\n    print(" + repr(ATTACK) + ")\n"
               "    raise ValueError(" + repr(ATTACK) + ")\n", "01.kmeans_step"),
              ("def fit_threshold(x, y):\n    return " + repr(ATTACK) + "\n", "01.fit_threshold"),
              (_wrong("01.epsilon_greedy"), "01.epsilon_greedy")]
    paths = {
        "full": write_notebook(subs / "01_alice.ipynb", [IMPORTS] + [(v, k) for k, v in
                                                                     SOL.items()]),
        "attack": write_notebook(subs / "01_<b>mallory\"'.ipynb", attack),
        "misnamed": write_notebook(subs / "04_carol.ipynb",
                                   [IMPORTS, (SOL["01.kmeans_step"], "01.kmeans_step")],
                                   chapter="01"),
    }
    out, fb = root / "grades.csv", root / "feedback"
    import contextlib
    import io

    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        rc = main([*map(str, paths.values()), "--out", str(out), "--feedback", str(fb),
                   "--cache", str(root / "cache"), "--jobs", "2", "--timeout", "20"])
    assert rc == 0
    return {"paths": paths, "out": out, "fb": fb, "stdout": buf.getvalue(), "root": root}


def _page(graded, name):
    return (graded["fb"] / page_name(str(graded["paths"][name]))).read_text(encoding="utf-8")


def test_gradebook_has_the_student_column(graded):
    table = _read(graded["out"])
    assert table[0] == ["submission", "student", "exercise", "score", "max_score", "status",
                        "feedback"]
    who = {r[0]: r[1] for r in table[1:]}
    assert who[str(graded["paths"]["full"])] == "alice"
    assert who[str(graded["paths"]["misnamed"])] == "carol"
    assert who[str(graded["paths"]["attack"])] == "<b>mallory\"'"


def test_misnamed_submission_is_flagged_in_summary_and_feedback(graded):
    assert "FLAG" in graded["stdout"] and "04_carol.ipynb" in graded["stdout"]
    rows = [r for r in _read(graded["out"])[1:] if r[0] == str(graded["paths"]["misnamed"])]
    assert rows and all("graded as chapter 01" in r[6] for r in rows)
    assert {r[2] for r in rows} == {ex for ex in SOL}  # graded by its metadata: chapter 01
    assert "graded as chapter 01" in _page(graded, "misnamed")


def test_feedback_page_per_submission_with_every_exercise(graded):
    pages = sorted(p.name for p in graded["fb"].iterdir())
    assert pages == sorted(page_name(str(p)) for p in graded["paths"].values())
    full = _page(graded, "full")
    for ex_id in SOL:
        assert ex_id in full
    assert "8 / 8" in full
    bad = _page(graded, "attack")
    # a failing case: expected against received, and the hint the wrong answer triggers
    assert "expected" in bad and "received" in bad and "Hint:" in bad


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.attrs = set(), set()

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.attrs.update(a for a, _ in attrs)


def test_feedback_cannot_be_injected_and_loads_nothing(graded):
    for name in graded["paths"]:
        text = _page(graded, name)
        parsed = _Tags()
        parsed.feed(text)
        assert parsed.tags <= {"html", "head", "meta", "title", "style", "body", "h1", "h2", "p",
                               "code", "strong", "span", "table", "tr", "th", "td", "pre",
                               "br"}, f"{name}: unexpected tags {parsed.tags}"
        assert parsed.attrs <= {"lang", "charset", "http-equiv", "content", "class"}, (
            f"{name}: unexpected attributes {parsed.attrs}")
        style = text.split("<style>")[1].split("</style>")[0]
        assert "url(" not in style and "@import" not in style
        assert "default-src 'none'" in text
    page = _page(graded, "attack")
    assert "&lt;script&gt;" in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "&lt;b&gt;mallory&quot;&#x27;" in page


def test_feedback_file_names_stay_in_the_folder_and_never_collide(tmp_path):
    names = [page_name(p) for p in ("../../etc/passwd.ipynb", "/a/01_x.ipynb", "/b/01_x.ipynb",
                                    ".hidden.ipynb", "a/..ipynb")]
    assert len(set(names)) == len(names)
    for n in names:
        assert "/" not in n and not n.startswith(".") and n.endswith(".html")
        assert re.fullmatch(r"[A-Za-z0-9._-]+", n)
    outside = tmp_path / "outside.txt"
    outside.write_text("keep")
    folder = tmp_path / "fb"
    folder.mkdir()
    (folder / page_name("01_x.ipynb")).symlink_to(outside)
    written = write_page(folder, "01_x.ipynb", "<p>page</p>")
    assert outside.read_text() == "keep" and not written.is_symlink()
    assert written.parent == folder


# --------------------------------------------------------------------------- --exercise
def test_exercise_regrades_only_those_rows(graded, tmp_path):
    out = tmp_path / "grades.csv"
    table = _read(graded["out"])
    for r in table[1:]:
        r[6] = "TEACHER EDIT"  # every row marked: only the regraded ones may change
    with open(out, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(table)
    full = str(graded["paths"]["full"])
    assert main([full, "--out", str(out), "--exercise", "01.kmeans_step", "--no-cache"]) == 0
    after = _read(out)
    assert len(after) == len(table)
    for old, new in zip(table, after):
        if new[0] == full and new[2] == "01.kmeans_step":
            assert new[5] == "passed" and new[6] != "TEACHER EDIT"
        else:
            assert new == old
    assert main([full, "--out", str(out), "--exercise", "01.nope"]) == 2


def test_exercise_with_feedback_pages_cover_the_whole_gradebook(graded, tmp_path):
    """A regrade of one exercise rewrites the page with every exercise of the merged gradebook:
    the regraded row and the rows kept from the existing one."""
    out = tmp_path / "grades.csv"
    out.write_bytes(graded["out"].read_bytes())
    full, fb = str(graded["paths"]["full"]), tmp_path / "feedback"
    assert main([full, "--out", str(out), "--exercise", "01.kmeans_step", "--feedback", str(fb),
                 "--cache", str(graded["root"] / "cache"), "--timeout", "20"]) == 0
    page = (fb / page_name(full)).read_text(encoding="utf-8")
    shown = re.findall(r"<h2>([^:<]+):", page)
    assert sorted(shown) == sorted(SOL), f"the page shows {shown}; expected all of {list(SOL)}"
    assert "8 / 8" in page, "the total covers the whole gradebook"


HANGUL = re.compile(r"[\uac00-\ud7a3]")


@pytest.mark.slow  # grades notebooks in kernels
def test_gradebook_feedback_follows_the_submissions_language(tmp_path, monkeypatch):
    """The CSV's feedback is the explanation the learner's own check cell gives: Korean for a
    notebook of the Korean edition (metadata dlcourse.language), English for an English one."""
    monkeypatch.setenv("DLCOURSE_LANGUAGE", "en")  # the fallback of a notebook that says none
    cells = [IMPORTS, (_wrong("01.kmeans_step"), "01.kmeans_step")]
    en = write_notebook(tmp_path / "01_en.ipynb", cells)
    ko = write_notebook(tmp_path / "01_ko.ipynb", cells)
    nb = json.loads(ko.read_text(encoding="utf-8"))
    nb["metadata"]["dlcourse"]["language"] = "ko"
    ko.write_text(json.dumps(nb), encoding="utf-8")
    rows = {os.path.basename(r.submission): r
            for r in grade([en, ko], tmp_path / "g.csv", jobs=2, only=["01.kmeans_step"],
                           timeout=20)}
    assert rows["01_en.ipynb"].status == rows["01_ko.ipynb"].status != "passed"
    assert "cases passed" in rows["01_en.ipynb"].feedback
    assert not HANGUL.search(rows["01_en.ipynb"].feedback), rows["01_en.ipynb"].feedback
    assert "검사" in rows["01_ko.ipynb"].feedback, (
        f"expected the Korean notebook's feedback in Korean; got {rows['01_ko.ipynb'].feedback!r}")
    assert "검사" in (tmp_path / "g.csv").read_text(encoding="utf-8")


@pytest.mark.slow  # grades notebooks in kernels
def test_the_run_language_is_part_of_the_cache_key(tmp_path, monkeypatch):
    """A notebook that declares no language gets its feedback in the grader's language; a
    regrade in another language must not be served the first language's cached text."""
    from dlcourse import i18n

    sub = write_notebook(tmp_path / "01_x.ipynb",
                         [IMPORTS, (_wrong("01.kmeans_step"), "01.kmeans_step")])
    monkeypatch.setenv("DLCOURSE_LANGUAGE", "en")
    kw = {"only": ["01.kmeans_step"], "cache": tmp_path / "cache", "jobs": 1, "timeout": 20}
    english = grade([sub], None, **kw)[0].feedback
    with i18n.using("ko"):  # as a teacher's script may choose it, around the call
        korean = grade([sub], None, **kw)[0].feedback
    assert "cases passed" in english and not HANGUL.search(english), english
    assert "검사" in korean, f"expected Korean feedback, not the cached English; got {korean!r}"


# --------------------------------------------------------------------------- the cache
class Interrupted(BaseException):
    """Stands for Ctrl-C or a lost node (pytest itself reacts to a real KeyboardInterrupt)."""


def _counting(monkeypatch, fail_on=None):
    calls = []
    real = submission._run_worker
    armed = [fail_on]

    def run(job, workdir, hard, log, *zygote):
        sub = job["notebook"]
        calls.append(sub)
        if armed[0] is not None and len(calls) == armed[0]:
            armed[0] = None  # once only
            raise Interrupted
        return real(job, workdir, hard, log, *zygote)

    monkeypatch.setattr(submission, "_run_worker", run)
    return calls


@pytest.mark.slow  # grades notebooks in kernels
def test_cache_skips_unchanged_submissions_and_resumes(tmp_path, monkeypatch):
    subs = [write_notebook(tmp_path / f"01_s{i}.ipynb",
                           [IMPORTS, (SOL["01.epsilon_greedy"], "01.epsilon_greedy"),
                            (_wrong("01.kmeans_step", i % 2), "01.kmeans_step")])
            for i in range(3)]
    cache = tmp_path / "cache"
    calls = _counting(monkeypatch, fail_on=2)
    with pytest.raises(Interrupted):
        grade(subs, tmp_path / "a.csv", cache=cache, jobs=1, timeout=20)
    assert len(calls) == 3  # the pool finished the third while the second was interrupted
    calls.clear()
    first = grade(subs, tmp_path / "a.csv", cache=cache, jobs=1, timeout=20)
    assert len(calls) == 1, f"resumed run executed {calls}, expected only the interrupted one"
    calls.clear()
    again = grade(subs, tmp_path / "b.csv", cache=cache, jobs=1, timeout=20)
    assert calls == [] and again == first
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()
    # a changed submission, or a changed exercise definition (here: drawn cases), runs again
    write_notebook(subs[0], [IMPORTS, (SOL["01.kmeans_step"], "01.kmeans_step")])
    grade(subs, tmp_path / "c.csv", cache=cache, jobs=1, timeout=20)
    assert len(calls) == 1
    calls.clear()
    grade(subs, tmp_path / "d.csv", cache=cache, jobs=1, timeout=20, seed=4)
    assert len(calls) == 3
    calls.clear()
    grade(subs, tmp_path / "e.csv", cache=None, jobs=1, timeout=20)
    assert len(calls) == 3  # no cache: everything runs


def test_log_names_submissions_served_from_the_cache(graded, tmp_path):
    """A regrade of the unchanged class runs nothing, and its --log still has one block per
    submission, saying it came from the cache, with each row's status."""
    log = tmp_path / "grading.log"
    subs = [str(p) for p in graded["paths"].values()]
    assert main([*subs, "--out", str(tmp_path / "g.csv"), "--log", str(log),
                 "--cache", str(graded["root"] / "cache"), "--timeout", "20"]) == 0
    blocks = {}
    for block in log.read_text(encoding="utf-8").split("=== ")[1:]:
        name, _, body = block.partition("\n")
        blocks[name.strip()] = body
    rows = _read(tmp_path / "g.csv")[1:]
    for s in subs:
        assert s in blocks, f"the log does not name {s}; it names {sorted(blocks)}"
        assert "from cache" in blocks[s], f"{s}: {blocks[s]!r}"
        for r in rows:
            if r[0] == s:
                assert f"{r[2]}: {r[5]} " in blocks[s], f"{s}: {r[2]} {r[5]}: {blocks[s]!r}"


# --------------------------------------------------------------------------- --seed
def _memorised_kmeans() -> str:
    """Source of a kmeans_step that returns the fixed cases' outputs from a table."""
    cases, expected = expected_values(get("01.kmeans_step"))
    table = {(np.asarray(c.args[0], float).tobytes() + np.asarray(c.args[1], float).tobytes()
              ).hex(): np.asarray(e).tolist() for c, e in zip(cases, expected)}
    first = np.asarray(expected[0]).tolist()
    return ("_T = " + json.dumps(table) + "\n"
            "def kmeans_step(X, centroids):\n"
            "    k = (np.asarray(X, float).tobytes()\n"
            "         + np.asarray(centroids, float).tobytes()).hex()\n"
            f"    return np.array(_T.get(k, {first!r}), dtype=float)\n")


@pytest.mark.slow  # grades notebooks in kernels
def test_seed_fails_a_memorising_answer_and_passes_a_right_one(tmp_path):
    mem = write_notebook(tmp_path / "01_mem.ipynb", [IMPORTS, (_memorised_kmeans(),
                                                               "01.kmeans_step")])
    ok = write_notebook(tmp_path / "01_ok.ipynb", [IMPORTS, (SOL["01.kmeans_step"],
                                                             "01.kmeans_step")])

    def kmeans(seed):
        rows = grade([mem, ok], None, jobs=2, seed=seed, only=["01.kmeans_step"], timeout=20)
        return {os.path.basename(r.submission): r for r in rows}

    fixed, drawn = kmeans(None), kmeans(9)
    assert fixed["01_mem.ipynb"].status == "passed"  # the fixed cases cannot tell
    assert drawn["01_mem.ipynb"].score < drawn["01_mem.ipynb"].max_score
    # it still passes the fixed cases, judged with the drawn ones: partial credit (teacher guide)
    assert drawn["01_mem.ipynb"].status == "partial", drawn["01_mem.ipynb"].status
    assert drawn["01_ok.ipynb"].status == "passed"
    assert "seed 9" in drawn["01_mem.ipynb"].feedback


# --------------------------------------------------------------------------- --shard
def test_shards_are_deterministic_balanced_and_cover_everything():
    paths = [f"c/{i:02d}_s{j}.ipynb" for i in (1, 2, 3) for j in range(7)]
    for n in (1, 2, 4, 21, 25):
        shares = [shard(list(reversed(paths)), i, n) for i in range(1, n + 1)]
        assert sorted(p for s in shares for p in s) == sorted(paths)
        assert max(map(len, shares)) - min(map(len, shares)) <= 1
        assert shares == [shard(paths, i, n) for i in range(1, n + 1)]
    man = manifest(paths, 2, 4, ["01.x"], 3)
    assert man["submissions"] == shard(paths, 2, 4) and man["all_submissions"] == 21
    assert man["exercises"] == ["01.x"] and man["seed"] == 3


@pytest.mark.parametrize("bad", ["0/3", "4/3", "1", "a/b", "2/0"])
def test_bad_shard_is_a_usage_error(bad, tmp_path, capsys):
    with pytest.raises(ValueError, match="I/N"):
        parse_shard(bad)
    sub = write_notebook(tmp_path / "01_x.ipynb", [IMPORTS])
    assert main([str(sub), "--out", str(tmp_path / "g.csv"), "--shard", bad]) == 2
    assert "--shard expects I/N" in capsys.readouterr().err


@pytest.mark.slow  # grades notebooks in kernels
def test_shard_writes_the_manifest_merge_reads(tmp_path):
    subs = [write_notebook(tmp_path / f"01_s{i}.ipynb", [IMPORTS]) for i in range(3)]
    out = tmp_path / "part2.csv"
    rows = grade(subs, out, shard=(2, 2), jobs=1, timeout=20)
    assert {r.submission for r in rows} == {str(subs[1])}
    man = read_manifest(out)
    assert man["shard"] == 2 and man["shards"] == 2 and man["submissions"] == [str(subs[1])]
