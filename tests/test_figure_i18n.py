"""The figures' captions and alt texts in the Korean edition (issue 15): their catalog is in step
with the notebooks, and the Sphinx extension that puts them in keeps math and code spans."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "book_ext"))
sys.path.insert(0, str(ROOT / "tools"))

import figure_i18n  # noqa: E402
import figure_messages  # noqa: E402


def test_the_figure_catalog_is_in_step_with_the_notebooks():
    proc = subprocess.run([sys.executable, str(ROOT / "tools" / "figure_messages.py"), "--check"],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def test_every_caption_and_alt_text_is_a_message(tmp_path):
    nb = {"cells": [{"cell_type": "code", "source": "", "outputs": [], "metadata": {
        "mystnb": {"figure": {"caption": "A $x^2$ curve.", "name": "fig-a"},
                   "image": {"alt": "A parabola."}}}}],
        "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    (tmp_path / "chapters").mkdir()
    (tmp_path / "chapters" / "99_x.ipynb").write_text(json.dumps(nb))
    texts = figure_messages.figure_texts(tmp_path)
    assert texts == [("chapters/99_x.ipynb", "fig-a", "A $x^2$ curve."),
                     ("chapters/99_x.ipynb", "fig-a", "A parabola.")]


def test_a_translated_caption_keeps_its_math_and_code():
    parts = figure_i18n._inline("곡선 $y = x^2$과 `np.square`의 결과")
    kinds = [type(p).__name__ for p in parts]
    assert kinds == ["Text", "math", "Text", "literal", "Text"]
    assert parts[1].astext() == "y = x^2" and parts[3].astext() == "np.square"


def test_the_graders_output_is_translated_for_a_korean_page():
    """check()'s and score_table()'s HTML, made in English when the notebook ran, in Korean:
    what a Korean learner's own check cell shows (tags and attributes unchanged)."""
    from dlcourse.grading import checker, get
    from dlcourse.grading.judge import Result

    ex = get("02.and_gate")
    res = Result(ex, "not_attempted", message="not attempted yet: `and_gate` still raises "
                                              "NotImplementedError")
    english = checker._html(res)
    korean = figure_i18n.translate_grader_html(english, "ko")
    assert "not attempted" not in korean and "points" not in korean, korean
    assert "아직 풀지 않음" in korean and "퍼셉트론 하나로 만드는 AND" in korean, korean
    assert korean.count("<") == english.count("<")  # the markup is untouched
    assert figure_i18n.translate_grader_html(english, "en") == english
