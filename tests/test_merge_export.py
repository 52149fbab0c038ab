"""``dlcourse merge`` and ``dlcourse export`` on small hand-written gradebooks and manifests
(the layout of the contract in issue 14: ``PART.csv`` + ``PART.csv.manifest.json``)."""
from __future__ import annotations

import csv
import hashlib
import json

import pytest

from dlcourse.__main__ import main as cli
from dlcourse.grading.export import export
from dlcourse.grading.merge import merge

HEADER = ["submission", "student", "exercise", "score", "max_score", "status", "feedback"]
SUBS = [f"class/{c}_s{i}.ipynb" for i in range(7) for c in ("02",)]  # 7 submissions


def _rows(sub):
    return [[sub, sub.split("_")[1][:-6], "02.and_gate", "2", "2", "passed", "ok"],
            [sub, sub.split("_")[1][:-6], "02.or_gate", "0", "2", "failed", "x=1: got 0"]]


def _write(path, header, rows):
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)


def _shards(tmp_path, n, subs=SUBS, sha=None, header=HEADER, **extra):
    """Write the N shares of ``subs`` as 'grade --shard I/N' would; return their paths."""
    sha = sha or hashlib.sha256("\n".join(sorted(subs)).encode()).hexdigest()
    paths = []
    for i in range(1, n + 1):
        share = [s for p, s in enumerate(subs) if p % n == i - 1]
        out = tmp_path / f"part{i}.csv"
        rows = [r if len(header) == 7 else [r[0]] + r[2:] for s in share for r in _rows(s)]
        _write(out, header, rows)
        man = {"format": 1, "shard": i, "shards": n, "submissions": share,
               "all_submissions": len(subs), "selection_sha256": sha, "exercises": None,
               "seed": None, **extra}
        (tmp_path / f"part{i}.csv.manifest.json").write_text(json.dumps(man))
        paths.append(str(out))
    return paths


def _single(tmp_path, header=HEADER):
    out = tmp_path / "single.csv"
    _write(out, header, [r if len(header) == 7 else [r[0]] + r[2:]
                         for s in SUBS for r in _rows(s)])
    return out.read_bytes()


@pytest.mark.parametrize("n", [1, 2, 3, 7])
def test_merge_gives_the_single_runs_bytes(tmp_path, n):
    parts = _shards(tmp_path, n)
    assert cli(["merge", *reversed(parts), "--out", str(tmp_path / "m.csv")]) == 0
    assert (tmp_path / "m.csv").read_bytes() == _single(tmp_path)
    man = json.loads((tmp_path / "m.csv.manifest.json").read_text())
    assert man["submissions"] == SUBS and man["shards"] == 1


def test_merge_reads_old_gradebooks_without_student(tmp_path):
    old = [h for h in HEADER if h != "student"]
    parts = _shards(tmp_path, 2, header=old)
    assert cli(["merge", *parts, "--out", str(tmp_path / "m.csv")]) == 0
    assert (tmp_path / "m.csv").read_bytes() == _single(tmp_path, header=old)


def _refused(capsys, args, *words):
    assert cli(["merge", *args]) == 2
    err = capsys.readouterr().err
    for w in words:
        assert w in err, err


def test_merge_refuses_a_missing_share(tmp_path, capsys):
    parts = _shards(tmp_path, 3)
    _refused(capsys, [parts[0], parts[2], "--out", str(tmp_path / "m.csv")],
             "missing share(s) 2/3")
    assert not (tmp_path / "m.csv").exists()


def test_merge_refuses_overlapping_shares(tmp_path, capsys):
    parts = _shards(tmp_path, 3)
    _refused(capsys, [parts[0], parts[1], parts[0], parts[2], "--out", str(tmp_path / "m.csv")],
             "both share 1/3", "overlapping")
    # the same submission in two shares
    man = json.loads((tmp_path / "part2.csv.manifest.json").read_text())
    man["submissions"].append(SUBS[0])
    (tmp_path / "part2.csv.manifest.json").write_text(json.dumps(man))
    _refused(capsys, [*parts, "--out", str(tmp_path / "m.csv")], SUBS[0], "overlapping")


def test_merge_refuses_shares_of_different_runs(tmp_path, capsys):
    a = tmp_path / "a"
    b = tmp_path / "b"
    a.mkdir(), b.mkdir()
    pa = _shards(a, 2)
    pb = _shards(b, 2, sha="0" * 64)
    _refused(capsys, [pa[0], pb[1], "--out", str(tmp_path / "m.csv")],
             "different runs", "different set of submissions")
    pc = _shards(b, 3)
    _refused(capsys, [pa[0], pa[1], pc[2], "--out", str(tmp_path / "m.csv")],
             "different number of shares")
    pd = _shards(b, 2, seed=7)
    _refused(capsys, [pa[0], pd[1], "--out", str(tmp_path / "m.csv")], "different --seed")


def test_merge_refuses_a_part_without_manifest(tmp_path, capsys):
    parts = _shards(tmp_path, 2)
    (tmp_path / "part2.csv.manifest.json").unlink()
    _refused(capsys, [*parts, "--out", str(tmp_path / "m.csv")], "no manifest", "--shard")


def test_merge_refuses_rows_its_manifest_does_not_list(tmp_path, capsys):
    parts = _shards(tmp_path, 2)
    with open(parts[0], "a", newline="") as fh:
        csv.writer(fh).writerow(_rows(SUBS[1])[0])  # SUBS[1] is share 2's
    _refused(capsys, [*parts, "--out", str(tmp_path / "m.csv")], "do not belong together")


def test_merge_refuses_a_file_that_is_not_a_gradebook(tmp_path, capsys):
    parts = _shards(tmp_path, 2)
    (tmp_path / "part1.csv").write_text("name,grade\nann,3\n")
    _refused(capsys, [*parts, "--out", str(tmp_path / "m.csv")], "not a dlcourse gradebook")


# ----------------------------------------------------------------------------- export
CLASS = [  # ann: two ch02 submissions (the first better), ch03 missing an exercise
    ["c/02_ann_a.ipynb", "ann", "02.and_gate", "2", "2", "passed", ""],
    ["c/02_ann_a.ipynb", "ann", "02.or_gate", "1.5", "2", "partial", ""],
    ["c/02_bob.ipynb", "bob", "02.and_gate", "2", "2", "passed", ""],
    ["c/02_bob.ipynb", "bob", "02.or_gate", "0.5", "2", "partial", ""],
    ["c/03_ann.ipynb", "ann", "03.sigmoid", "2", "2", "passed", ""],
    ["c/02_ann_b.ipynb", "ann", "02.and_gate", "1", "2", "partial", ""],
    ["c/02_ann_b.ipynb", "ann", "02.or_gate", "2", "2", "passed", ""],
    ["c/03_bob.ipynb", "bob", "03.sigmoid", "0", "2", "failed", ""],
    ["c/03_bob.ipynb", "bob", "03.relu", "1", "1", "passed", ""],
]


@pytest.fixture
def gradebook(tmp_path):
    p = tmp_path / "grades.csv"
    _write(p, HEADER, CLASS)
    return p


def _read(p):
    with open(p, newline="", encoding="utf-8") as fh:
        return list(csv.reader(fh))


def test_export_wide_one_row_per_student_best_submission(gradebook, tmp_path):
    out = tmp_path / "wide.csv"
    assert cli(["export", str(gradebook), "--format", "wide", "--out", str(out)]) == 0
    assert _read(out) == [
        ["student", "02.and_gate", "02.or_gate", "03.sigmoid", "03.relu",
         "ch02 total", "ch03 total", "total"],
        # ann's best ch02 submission is a (3.5 > 3), not a mix (2 + 2); no 03.relu row
        ["ann", "2", "1.5", "2", "", "3.5", "2", "5.5"],
        ["bob", "2", "0.5", "0", "1", "2.5", "1", "3.5"],
    ]


def test_export_canvas_layout(gradebook, tmp_path):
    header, rows = export(gradebook, "canvas", tmp_path / "canvas.csv")
    assert _read(tmp_path / "canvas.csv") == [header, *rows]
    assert header == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section",
                      "dlcourse chapter 02", "dlcourse chapter 03"]
    assert rows == [["Points Possible", "", "", "", "", "4", "3"],
                    ["ann", "", "ann", "", "", "3.5", "2"],
                    ["bob", "", "bob", "", "", "2.5", "1"]]


def test_export_moodle_layout(gradebook, tmp_path):
    header, rows = export(gradebook, "moodle")
    assert header == ["ID number", "dlcourse chapter 02", "dlcourse chapter 03"]
    assert rows == [["ann", "3.5", "2"], ["bob", "2.5", "1"]]


def test_export_old_gradebook_names_students_by_file(tmp_path):
    p = tmp_path / "old.csv"
    _write(p, [h for h in HEADER if h != "student"], [[r[0]] + r[2:] for r in CLASS[:4]])
    header, rows = export(p, "moodle")
    assert rows == [["02_ann_a", "3.5"], ["02_bob", "2.5"]]


def test_export_refuses_bad_input(gradebook, tmp_path, capsys):
    assert cli(["export", str(gradebook), "--format", "wide", "--out", str(gradebook)]) == 2
    assert "refusing to overwrite" in capsys.readouterr().err
    assert cli(["export", str(tmp_path / "nope.csv"), "--format", "wide",
                "--out", str(tmp_path / "w.csv")]) == 2
    assert "cannot read the gradebook" in capsys.readouterr().err
    assert cli(["export", str(gradebook), "--format", "blackboard",
                "--out", str(tmp_path / "w.csv")]) == 2
