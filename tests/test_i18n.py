"""dlcourse/i18n.py and the grader's Korean catalog: check() and score_table() speak Korean in a
Korean notebook, and every message the grader can show has a Korean translation."""
from __future__ import annotations

import json
import re

import numpy as np
import pytest

from conftest import ROOT, load_solutions
from dlcourse import i18n
from dlcourse.grading import check, exercises, score_table
from dlcourse.grading.checker import grade_in_process

import importlib.util

_spec = importlib.util.spec_from_file_location("grader_messages",
                                               ROOT / "tools" / "grader_messages.py")
messages_tool = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(messages_tool)

HANGUL = re.compile(r"[\uac00-\ud7a3]")
LOCALE_VARS = ("DLCOURSE_LANGUAGE", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG", "JPY_SESSION_NAME")


@pytest.fixture
def clean_env(monkeypatch):
    """No language set anywhere: each test sets what it needs."""
    for var in LOCALE_VARS:
        monkeypatch.delenv(var, raising=False)
    i18n.set_language(None)
    yield monkeypatch
    i18n.set_language(None)


# --------------------------------------------------------------------------- the catalog
def test_catalog_is_complete_translated_and_compiled():
    """Every message enumerated from the exercises and the grading source is in dlcourse.po,
    translated into Korean with its template fields kept, and dlcourse.mo matches the .po."""
    problems = messages_tool.problems()
    assert not problems, ("the grader's Korean catalog needs work "
                          "(python tools/grader_messages.py update, then translate):\n"
                          + "\n".join(problems[:20]))


def _title_mismatches(grader_po) -> list[str]:
    """Exercises whose Korean title differs from the Korean heading of their exercise page
    (for each title that is its page's English heading, with or without "(N points)")."""
    from babel.messages.pofile import read_po

    with open(grader_po, "rb") as f:
        grader = read_po(f)
    out = []
    for ex in exercises():
        page_po = next((ROOT / "locales/ko/LC_MESSAGES/exercises").glob(f"{ex.id[:2]}_*.po"))
        with open(page_po, "rb") as f:
            heads = [m for m in read_po(f) if m.id and re.fullmatch(
                re.escape(ex.title) + r"( \(\d+ points?\))?", m.id)]
        if not heads:
            continue  # the page words its heading differently in English too
        want = re.sub(r" ?\(\d+점\)$", "", heads[0].string) if heads[0].id != ex.title \
            else heads[0].string
        have = grader.get(ex.title)
        if have is None or have.string != want:
            out.append(f"{ex.id}: expected the page's heading {want!r}; got "
                       f"{have.string if have else None!r}")
    return out


def test_exercise_titles_are_the_pages_headings():
    """check() and score_table() name an exercise as its Korean page does."""
    wrong = _title_mismatches(messages_tool.PO)
    assert not wrong, "\n".join(wrong)


def test_the_extraction_finds_judge_messages_and_marked_texts(tmp_path):
    src = tmp_path / "chXX.py"
    src.write_text(
        "def _judge(got, exp, case):\n"
        "    if got is None:\n"
        "        return False, f'expected {exp!r}; got nothing'\n"
        "    return True, ''\n"
        "x = tr(f'{n} of {m} shown')\n"
        "ok, msg = False, f'could not judge ({exc})'\n"
        "a, b = 1, 'not a message either'\n"
        "y = 'not a message'\n", encoding="utf-8")
    found = messages_tool.source_messages(src)
    assert ("expected {exp}; got nothing", True) in found
    assert ("could not judge ({exc})", True) in found
    assert all(text != "not a message either" for text, _ in found)
    assert ("{n} of {m} shown", True) in found
    assert all(text != "not a message" for text, _ in found)


# --------------------------------------------------------------------------- translate
def test_translate_plain_texts_and_templates():
    assert i18n.translate("passed", "ko") == "통과"
    assert i18n.translate("passed", "en") == "passed"
    assert i18n.translate("expected shape (3,); got shape (2, 1)", "ko") == \
        "모양 (3,)이(가) 와야 하는데 모양 (2, 1)이(가) 왔습니다"
    # a field that is itself a message is translated in turn
    assert i18n.translate("item 1: expected shape (3,); got shape (2,)", "ko") == \
        "항목 1: 모양 (3,)이(가) 와야 하는데 모양 (2,)이(가) 왔습니다"
    # a text the catalog does not know comes back unchanged
    assert i18n.translate("ZeroDivisionError: division by zero", "ko") == \
        "ZeroDivisionError: division by zero"


def test_template_fields_match_any_text_and_repeat():
    pattern, names = i18n._compile("{a} and {a} but {b}{where}!")
    m = pattern.match("x y and x y but z (item 1)!")
    assert m and names == ["a", "b", "where"] and m.group("f1") == "z"
    assert m.group("f2") == " (item 1)"
    assert pattern.match("x and y but z!") is None  # {a} must be the same text twice


# --------------------------------------------------------------------------- the language
def test_language_order(clean_env, tmp_path):
    assert i18n.language() == "en"
    clean_env.setenv("LANG", "ko_KR.UTF-8")
    assert i18n.language() == "ko"
    clean_env.setenv("LANG", "en_US.UTF-8")
    assert i18n.language() == "en"
    nb = tmp_path / "02_perceptrons.ipynb"
    nb.write_text(json.dumps({"cells": [], "metadata": {"dlcourse": {"language": "ko"}}}))
    clean_env.setenv("JPY_SESSION_NAME", str(nb))  # what Jupyter sets for a notebook's kernel
    assert i18n.language() == "ko", "the notebook's metadata comes before the locale"
    clean_env.setenv("DLCOURSE_LANGUAGE", "en")
    assert i18n.language() == "en", "DLCOURSE_LANGUAGE comes before the notebook"
    i18n.set_language("ko")
    assert i18n.language() == "ko"
    with i18n.using("en"):
        assert i18n.language() == "en"
    assert i18n.language() == "ko"
    with pytest.raises(ValueError, match="expects one of en, ko; got 'fr'"):
        i18n.set_language("fr")


# --------------------------------------------------------------------------- check, score_table
def _wrong_sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))  # overflows at x = -1000: a warning, the hint


def test_check_speaks_korean(clean_env, capsys):
    with i18n.using("ko"):
        check("03.sigmoid", _wrong_sigmoid)
    out = capsys.readouterr().out
    for word in ("수치적으로 안정적인 시그모이드", "일부 맞음", "점", "통과", "실패", "기댓값", "받은 값",
                 "힌트: 값은 맞지만 NumPy가 경고했습니다"):
        assert word in out, f"expected {word!r} in the Korean check output; got:\n{out}"
    for english in ("expected", "received", "hint:", "PASS", "FAIL", "points", "partly right"):
        assert english not in out, f"{english!r} left in English in:\n{out}"


def test_check_stays_english_by_default(clean_env, capsys):
    check("03.sigmoid", _wrong_sigmoid)
    out = capsys.readouterr().out
    assert "partly right" in out and "expected" in out and "hint:" in out
    assert not HANGUL.search(out), out


def test_score_table_speaks_korean(clean_env, capsys):
    from dlcourse.grading.checker import _html
    from dlcourse.grading.judge import STATUSES

    with i18n.using("ko"):
        score_table("03")
        page = _html(grade_in_process(exercises("03")[0], _wrong_sigmoid))
    out = capsys.readouterr().out
    assert out.startswith("03장 연습 문제: "), out
    assert "수치적으로 안정적인 시그모이드" in out, out
    assert not [w for w in STATUSES.values() if w in out], f"an English status in:\n{out}"
    assert "힌트:" in page and "기댓값" in page and "Hint" not in page, page


# --------------------------------------------------------------------------- every answer
def _shown_texts(ex, source):
    ns = {"__name__": "__main__", "np": np}
    exec(compile(source, f"<answer {ex.id}>", "exec"), ns)
    res = grade_in_process(ex, ns[ex.name])
    texts = [("message", res.message)] if res.message else []
    for v in res.verdicts:
        texts.append(("label", v.label))
        if not v.ok:
            texts += [("message", v.message), ("hint", v.hint)]
    return [(kind, t) for kind, t in texts if t]


def _answers(ex):
    mod = load_solutions(ex.chapter)
    out = [getattr(mod, "SOLUTIONS", {}).get(ex.id)]
    out += [w[0] if isinstance(w, tuple) else w for w in getattr(mod, "WRONG", {}).get(ex.id, [])]
    return [s for s in out if s]


_LEARNER_ERROR = re.compile(r"^[A-Za-z_.]*(Error|Exception|Warning|Interrupt|Exit)\b")


@pytest.mark.parametrize("ex", exercises(), ids=lambda ex: ex.id)
def test_every_text_an_answer_can_show_has_korean(ex):
    """Every solution and wrong answer of the course, checked: each label, message and hint it
    shows has a Korean translation (the learner's own exception text excepted)."""
    copied = i18n._catalog("ko")[0]  # notation such as "N=2, C=3" is translated as itself
    answers = _answers(ex)
    assert len(answers) >= 3, f"{ex.id}: expected a solution and two wrong answers; got {answers}"
    untranslated = []
    for source in answers:
        for kind, text in _shown_texts(ex, source):
            if HANGUL.search(i18n.translate(text, "ko")) or text in copied \
                    or _LEARNER_ERROR.match(text) or not messages_tool._words(text, False):
                continue
            untranslated.append(f"{kind}: {text!r}")
    assert not untranslated, f"{ex.id}: no Korean for\n" + "\n".join(untranslated)


# --------------------------------------------------------------------------- the batch grader
def test_feedback_page_follows_the_submissions_language(clean_env, tmp_path):
    """``dlcourse grade --feedback``: a Korean notebook's page is in Korean, an English one's
    stays English (the texts are cached in English and translated when the page is written)."""
    from types import SimpleNamespace

    from dlcourse.grading.feedback import detail_of, render

    ex = exercises("03")[0]
    res = grade_in_process(ex, _wrong_sigmoid)
    rows = [SimpleNamespace(exercise=ex.id, score=res.score, max_score=res.max_score,
                            status=res.status, feedback=res.feedback(), detail=detail_of(res))]
    pages = {}
    for lang, meta in (("ko", {"dlcourse": {"chapter": "03", "language": "ko"}}),
                       ("en", {"dlcourse": {"chapter": "03"}})):
        sub = tmp_path / lang / "03_activation_functions.ipynb"
        sub.parent.mkdir()
        sub.write_text(json.dumps({"cells": [], "metadata": meta}), encoding="utf-8")
        pages[lang] = render(str(sub), "ann", "03", "", rows)
    for word in ('<html lang="ko">', "03장", "일부 맞음", "기댓값", "힌트:", "검사 4개 중 2개를 통과했습니다"):
        assert word in pages["ko"], f"expected {word!r} on the Korean page"
    assert "Hint:" not in pages["ko"] and "cases passed" not in pages["ko"]
    assert '<html lang="en">' in pages["en"] and "2 of 4 cases passed." in pages["en"]
    assert not HANGUL.search(pages["en"]), "the English page must stay English"


def test_gradebook_feedback_in_korean(clean_env):
    """The CSV's feedback line (Result.feedback) in the language the grader sets for a
    submission (submission.py: ``with i18n.using(notebook_language(path) or language())``)."""
    res = grade_in_process(exercises("03")[0], _wrong_sigmoid)
    english = res.feedback()
    with i18n.using("ko"):
        korean = res.feedback()
    assert english.startswith("2/4 cases passed; first failure (|x| up to 1000 (overflow?)): ")
    assert korean.startswith("검사 4개 중 2개 통과; 첫 번째 실패 (|x|가 1000까지 (오버플로?)): 값은 맞지만"), korean


def test_progress_speaks_korean(clean_env, tmp_path, capsys):
    from dlcourse.grading.progress import progress

    with i18n.using("ko"):
        progress(tmp_path)
    out = capsys.readouterr().out
    assert out.startswith("강좌 진도: 문제 ") and "01장: 0/" in out and "아직 확인하지 않음" in out, out
    assert "Course progress" not in out and "not checked yet" not in out, out


def test_batch_texts_of_a_submission_in_korean(clean_env, monkeypatch, tmp_path):
    """What the batch grader itself adds to a submission's rows is in the submission's language
    too: a judge that could not judge, a truncated output (submission.py), and the flag of a
    chapter that the file name and the metadata disagree on (roster.py, batch.py)."""
    from dlcourse.grading import batch, submission
    from dlcourse.grading.roster import identify

    def broken(*args):
        raise KeyError("x")

    monkeypatch.setattr(submission, "judge_exercise", broken)
    ex = exercises("03")[0]
    with i18n.using("ko"):
        rows = submission._rows_of("03_kim.ipynb", [ex], {"truncated": True}, tmp_path, "n", {})
    fb = rows[0].feedback
    for english in ("could not judge", "notebook:", "output was truncated"):
        assert english not in fb, f"{english!r} left in English in {fb!r}"
    assert fb.count("KeyError: 'x'") == 1 and HANGUL.search(fb), fb
    sub = tmp_path / "04_kim.ipynb"
    sub.write_text(json.dumps({"cells": [], "metadata": {
        "dlcourse": {"chapter": "03", "language": "ko"}}}), encoding="utf-8")
    who = identify(str(sub))
    assert who.note.startswith("the file name says chapter 04"), who.note
    rows = [batch.Row(str(sub), ex.id, 0.0, 1.0, "failed", "검사 4개 중 2개 통과")]
    batch._flag(rows, str(sub), who, {"language": "en"})
    assert rows[0].feedback.startswith("검사 4개 중 2개 통과; "), rows[0].feedback
    for english in ("note:", "file name", "graded as"):
        assert english not in rows[0].feedback, f"{english!r} in {rows[0].feedback!r}"
    assert "04" in rows[0].feedback and "03" in rows[0].feedback, rows[0].feedback
