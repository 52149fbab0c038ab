"""check(), score_table(), progress() and the plain-data codec (fast, in-process)."""
from __future__ import annotations

import json

import nbformat
import numpy as np
import pytest

from conftest import write_notebook
from dlcourse.grading import check, exercises, get, progress, score_table
from dlcourse.grading import ch01, checker, harvest
from dlcourse.grading.checker import CHECK_MIME, grade_in_process
from dlcourse.grading.harvest import EncodeError, decode, encode
from dlcourse.grading.progress import collect
from dlcourse.grading.progress import main as progress_main
from dlcourse.grading.spec import Case, Exercise, Hint


def _ex(**kw):
    base = dict(id="01.demo", title="demo", name="f", points=2,
                cases=lambda: [Case((np.array([1.0, 2.0]),), label="a"), Case((np.array([-1000.0, 5.0]),), label="b")],
                reference=lambda x: 1.0 / (1.0 + np.exp(-np.clip(x, -500, 500))))
    base.update(kw)
    return Exercise(**base)


def test_check_returns_none_and_prints_text(capsys):
    def choose_action(q, e, u, r):
        raise NotImplementedError

    assert check("01.epsilon_greedy", choose_action) is None
    out = capsys.readouterr().out
    assert "not attempted yet" in out and "0/1" in out


def test_check_records_and_score_table(capsys):
    checker._RESULTS.clear()
    check("01.epsilon_greedy", lambda q, e, u, r: r if u < e else int(np.argmax(q)))
    score_table("01")
    out = capsys.readouterr().out
    assert "01.epsilon_greedy" in out and "passed" in out and "not checked yet" in out


def test_unknown_exercise_never_raises(capsys):
    check("01.nope", print)
    check("42.nope", print)
    assert "unknown exercise" in capsys.readouterr().out


def test_exception_shows_type_message_and_line():
    def fit_threshold(x, y):
        return x.no_such_thing

    res = grade_in_process(get("01.fit_threshold"), fit_threshold)
    assert res.status == "error" and res.score == 0
    assert "AttributeError" in res.verdicts[0].message and "no_such_thing" in res.verdicts[0].message


def test_wrong_answer_shows_expected_received_and_hint():
    res = grade_in_process(get("01.kmeans_step"), lambda X, c: np.zeros((len(c), 2)))
    text = checker._text(res)
    assert "expected:" in text and "received:" in text and "shape (" in text
    html = checker._html(res)
    assert "failed" in html and "<table" in html


def test_value_exercise_all_none_is_not_attempted_and_missing_key_fails():
    ex = get("01.task_type")
    assert grade_in_process(ex, {k: None for k in ["spam_or_not", "house_price"]}).status == "not_attempted"
    res = grade_in_process(ex, {"spam_or_not": "classification"})
    assert res.status == "partial" and "no entry" in res.feedback()


def test_inputs_are_fresh_copies():
    def mutating(X, centroids):
        X *= 0  # wrecks its input
        centroids[:] = 7
        return centroids

    ex = get("01.kmeans_step")
    grade_in_process(ex, mutating)
    ns = {"np": np}
    exec(ch01.SOLUTIONS["01.kmeans_step"], ns)
    assert grade_in_process(ex, ns["kmeans_step"]).status == "passed"  # cases not corrupted


def test_warnings_fail_when_the_exercise_says_so():
    naive = lambda x: 1.0 / (1.0 + np.exp(-x))  # overflows at -1000: RuntimeWarning
    ex = _ex(warnings_fail=True, hints=[Hint(lambda g, e, c: c.label == "b", "subtract the max")])
    res = grade_in_process(ex, naive)
    assert res.status == "partial"
    bad = [v for v in res.verdicts if not v.ok][0]
    assert "RuntimeWarning" in bad.message and bad.hint == "subtract the max"
    assert grade_in_process(_ex(warnings_fail=False), naive).status == "passed"


def test_course_reference_scores_zero():
    from dlcourse.grading import ch01

    res = grade_in_process(get("01.fit_threshold"), ch01._fit_threshold_reference)
    assert res.status == "uses_reference" and res.score == 0 and "write your own" in res.message
    ex = _ex(forbidden=("numpy.tanh",))
    assert grade_in_process(ex, np.tanh).status == "uses_reference"


def test_non_plain_output_and_not_callable():
    res = grade_in_process(get("01.fit_threshold"), lambda x, y: object())
    assert res.status == "error" and "plain data" in res.verdicts[0].message
    assert grade_in_process(get("01.fit_threshold"), 3.0).status == "error"


def test_display_bundle_has_html_text_and_machine_readable(monkeypatch):
    shown = []
    monkeypatch.setattr(checker, "_in_kernel", lambda: True)
    import IPython.display

    monkeypatch.setattr(IPython.display, "display", lambda b, raw=False: shown.append(b))
    check("01.epsilon_greedy", lambda q, e, u, r: 0)
    bundle = shown[0]
    assert {"text/html", "text/plain", CHECK_MIME} <= set(bundle)
    rec = bundle[CHECK_MIME]
    assert set(rec) == {"id", "score", "max_score", "status"} and rec["id"] == "01.epsilon_greedy"
    json.dumps(rec)


def test_every_exercise_is_well_formed():
    for ex in exercises():
        assert ex.id.split(".")[0] == ex.chapter and ex.points > 0 and ex.kind in ("function", "value")
        assert len(list(ex.cases())) >= 1


@pytest.mark.parametrize("value", [
    None, True, 3, -2.5, float("nan"), float("inf"), "text", [1, 2.0, "a"], (1, (2, 3)),
    {"a": np.arange(6).reshape(2, 3), 3: [np.float64(1.5)]}, np.array([[1.5, np.nan]], dtype=np.float32),
    np.array([True, False]), np.zeros((0, 3)),
])
def test_codec_round_trip(value):
    back = decode(json.loads(json.dumps(encode(value))))
    if isinstance(value, float) and np.isnan(value):
        assert np.isnan(back)
    elif isinstance(value, dict):
        assert set(back) == set(value) and np.array_equal(back["a"], value["a"]) and back[3] == [1.5]
    elif isinstance(value, np.ndarray):
        assert back.dtype == value.dtype and back.shape == value.shape
        assert np.array_equal(back, value, equal_nan=value.dtype.kind == "f")
    else:
        assert back == value and type(back) is type(value)


def test_codec_rejects_objects_and_bad_data():
    with pytest.raises(EncodeError):
        encode(object())
    with pytest.raises(EncodeError):
        encode(np.array(["a"]))
    for bad in [{"__nd__": ["|O", [1], ""]}, {"__nd__": ["<f8", [2], "AAAA"]}, {"x": 1}, {"__pickle__": "x"}]:
        with pytest.raises(ValueError):
            decode(bad)


def test_encode_strips_ndarray_subclasses():
    class Liar(np.ndarray):
        def __eq__(self, other):
            return True

    back = decode(encode(np.zeros(3).view(Liar)))
    assert type(back) is np.ndarray


def test_progress_reads_saved_outputs_without_modifying(tmp_path, capsys):
    nb = nbformat.v4.new_notebook(metadata={"dlcourse": {"chapter": "01"}})
    cell = nbformat.v4.new_code_cell('check("01.kmeans_step", kmeans_step)')
    cell.outputs = [nbformat.v4.new_output("display_data", data={
        "text/plain": "ok", CHECK_MIME: {"id": "01.kmeans_step", "score": 2, "max_score": 2, "status": "passed"}})]
    nb.cells.append(cell)
    path = tmp_path / "01_ai_ml_dl.ipynb"
    nbformat.write(nb, str(path))
    before = path.read_bytes()
    table = collect(tmp_path)
    rows = {r["id"]: r for r in table["01"]}
    assert rows["01.kmeans_step"]["status"] == "passed"
    assert rows["01.paradigm"]["status"] == "not_checked"
    assert progress_main([str(tmp_path)]) == 0
    assert "1/" in capsys.readouterr().out
    assert progress(tmp_path) is None
    assert path.read_bytes() == before
    assert progress_main([str(tmp_path / "missing")]) == 2


def test_stub_notebook_cells_follow_the_contract():
    nb = nbformat.read("exercises/01_ai_ml_dl.ipynb", as_version=4)
    assert nb.metadata["dlcourse"]["chapter"] == "01"
    assert nb.metadata["kernelspec"]["name"] == "python3"
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code[0].metadata["dlcourse"]["colab_setup"]  # installs dlcourse on Colab only
    assert "from dlcourse.grading import check, score_table" in code[1].source
    assert code[-1].source.strip() == 'score_table("01")'
    answers = [c for c in code if "answer" in c.metadata.get("tags", [])]
    assert [c.metadata["dlcourse"]["exercise"] for c in answers] == [e.id for e in exercises("01")]
    for c in code:
        assert not c.outputs and c.execution_count is None


@pytest.mark.slow
@pytest.mark.parametrize("chapter", ["01"])
def test_stub_notebook_runs_and_says_not_attempted(chapter):
    from nbclient import NotebookClient

    from conftest import exercise_notebook

    path = exercise_notebook(chapter)
    nb = nbformat.read(str(path), as_version=4)
    NotebookClient(nb, timeout=60, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    texts = []
    for c in nb.cells:
        for o in c.get("outputs", []):
            assert o.get("output_type") != "error", f"{path.name}: {o.get('ename')}: {o.get('evalue')}"
            texts.append(str(o.get("data", {}).get("text/plain", "")) + str(o.get("text", "")))
    joined = "\n".join(texts)
    assert joined.count("not attempted yet") >= len(exercises(chapter))


def test_endless_answer_times_out_in_check():
    import time

    ex = _ex(time_limit=0.1)

    def busy(x):
        while True:
            pass

    def sleepy(x):
        while True:
            time.sleep(0.01)

    # No clock is read here (no timing assertion in the suite, issue 16): the status says
    # which limit ended each answer, and an answer that was never ended would hang the test.
    res = grade_in_process(ex, busy)  # the CPU-time limit: 0.1 s of CPU
    assert res.status == "timeout" and res.score == 0
    res = grade_in_process(ex, sleepy)  # uses no CPU: the wall-clock backstop ends it
    assert res.status == "timeout" and res.score == 0


# --------------------------------------------------------------------------- one pipeline
def _src(ex_id, source):
    ns = {"np": np}
    exec(source, ns)
    return ns[get(ex_id).name]


def test_reuse_is_caught_by_what_the_answer_calls_not_its_text():
    hidden = ("import importlib\n"
              "def softmax(x):\n"
              "    return importlib.import_module('dl' + 'course.functional').softmax(x)\n")
    res = grade_in_process(get("03.softmax"), _src("03.softmax", hidden))
    assert res.status == "uses_reference" and res.score == 0
    assert "dlcourse.functional.softmax" in res.message
    # a C function the exercise rules out, called at run time (torch.relu), and a ufunc
    import torch  # noqa: F401  (the forbidden name resolves only when torch is imported)

    res = grade_in_process(get("03.relu"), _src("03.relu", "import torch\ndef relu(x):\n"
                                                "    return torch.relu(torch.as_tensor(x)).numpy()\n"))
    assert res.status == "uses_reference" and "torch.relu" in res.message
    ex = _ex(forbidden=("numpy.tanh",))
    assert grade_in_process(ex, lambda x: np.tanh(x)).status == "uses_reference"
    # switching the watch off is caught too
    sneaky = "import sys\ndef softmax(x):\n    sys.setprofile(None)\n    return x\n"
    res = grade_in_process(get("03.softmax"), _src("03.softmax", sneaky))
    assert res.status == "uses_reference" and "sys.setprofile" in res.message
    # the word 'dlcourse' in a comment is not reuse
    honest = "def relu(x):\n    # not dlcourse.functional.relu\n    return np.maximum(x, 0)\n"
    assert grade_in_process(get("03.relu"), _src("03.relu", honest)).status == "passed"


def test_torch_tensors_and_lists_are_refused_where_numpy_is_asked():
    import torch

    res = grade_in_process(get("03.relu"), lambda x: torch.as_tensor(np.maximum(x, 0)))
    assert res.status == "error" and res.score == 0 and "torch tensor" in res.feedback()
    res = grade_in_process(get("03.relu"), lambda x: np.maximum(x, 0).tolist())
    assert res.status == "error" and "list where a NumPy array is asked" in res.feedback()
    ex = _ex(numpy_only=False)  # an exercise may allow tensors
    assert grade_in_process(ex, lambda x: torch.sigmoid(torch.as_tensor(x))).status == "passed"


def test_enough_digits_to_tell_expected_from_received():
    ex = _ex(cases=lambda: [Case((1.0,), label="close")], reference=lambda x: 1.0000012)
    text = checker._text(grade_in_process(ex, lambda x: 1.0000032))  # 6 digits: both "1"
    assert "expected 1.000001, got 1.000003" in text, text
    exp_line = next(ln for ln in text.splitlines() if "expected:" in ln)
    got_line = next(ln for ln in text.splitlines() if "received:" in ln)
    assert exp_line.split(":", 1)[1].strip() != got_line.split(":", 1)[1].strip(), text


def test_the_tuple_item_that_differs_is_shown():
    def linear_backward(x, W, b, dout):  # dx right, dW wrong, db right
        return dout @ W, dout.T @ x + 1.0, dout.sum(axis=0)

    res = grade_in_process(get("06.linear_backward"), linear_backward)
    text = checker._text(res)
    assert "expected (item 1)" in text and "received (item 1)" in text
    assert "item 0" not in text


def test_hints_only_for_recognised_mistakes():
    ex = _ex(hint="the generic reminder", hints=[Hint(lambda g, e, c: c.label == "b", "specific")])
    res = grade_in_process(ex, lambda x: x * 0 + 0.5)  # both cases wrong
    hints = [v.hint for v in res.verdicts if not v.ok]
    assert hints == ["", "specific"], hints
    assert "generic reminder" not in checker._text(res)
    res = grade_in_process(ex, lambda x: 1 / 0)  # an error: no hint at all
    assert all(not v.hint for v in res.verdicts)


def test_printed_lines_fit_80_characters(capsys):
    def linear_backward(x, W, b, dout):
        return dout @ W, dout.T @ x * 1.0001, dout.mean(axis=0)

    check("06.linear_backward", linear_backward)
    check("03.sigmoid", lambda x: 1 / (1 + np.exp(-x)))
    check("03.relu", lambda x: np.max(x, 0))
    check("01.fit_threshold", lambda x, y: x.no_such_attribute_with_a_very_long_name_indeed)
    for ch in ("01", "06", "11"):
        score_table(ch)
    out = capsys.readouterr().out
    long = [ln for ln in out.splitlines() if len(ln) > 80]
    assert not long, long


def test_check_uses_the_same_limits_as_the_batch_grader():
    """One limit, one code: check() calls harvest.call_answer with the exercise's time_limit as
    CPU seconds, exactly as the batch grader's harvest cell does."""
    from dlcourse.grading import judge

    spec = judge.answer_spec(get("03.relu"))
    assert spec["time_limit"] == get("03.relu").time_limit and spec["numpy_only"] is True
    assert harvest.MAX_DEPTH == 8
    from dlcourse.grading.spec import PlainDataError, to_plain

    deep = [[[[[[[[[[1]]]]]]]]]]
    with pytest.raises(PlainDataError):
        to_plain(deep)
    with pytest.raises(EncodeError):
        encode(deep)


def test_grading_import_stays_light():
    import subprocess
    import sys

    code = ("import sys, dlcourse.grading, dlcourse.grading.checker, dlcourse.grading.judge\n"
            "bad = [m for m in ('matplotlib', 'ipywidgets') if m in sys.modules]\n"
            "print(','.join(bad))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "", f"import dlcourse.grading pulled in {out.stdout.strip()}"


def test_statuses_are_the_ones_the_teacher_guide_documents():
    from pathlib import Path

    guide = Path(__file__).resolve().parents[1] / "guides" / "teacher.md"
    table = guide.read_text(encoding="utf-8").split("## Reading the statuses", 1)[1].split("\n\n")[0]
    documented = {ln.split("`")[1] for ln in table.splitlines() if ln.startswith("| `")}
    assert documented == set(checker.STATUSES) - {"not_checked"}
