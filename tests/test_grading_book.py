"""The MyST-NB plugin that keeps the grader's JSON output parts off the website."""
from importlib.metadata import entry_points
from types import SimpleNamespace

from dlcourse.grading.book import HiddenGraderOutput
from dlcourse.grading.checker import CHECK_MIME, SCORES_MIME


def test_plugin_is_registered_for_myst_nb():
    eps = entry_points(group="myst_nb.mime_renderers")
    assert any(ep.load() is HiddenGraderOutput for ep in eps), "reinstall: pip install -e ."


def test_grader_json_renders_as_nothing_and_is_never_chosen():
    for mime in (CHECK_MIME, SCORES_MIME):
        assert HiddenGraderOutput.handle_mime(None, SimpleNamespace(mime_type=mime), False) == []
        assert ("*", mime, None) in HiddenGraderOutput.mime_priority_overrides


def test_other_outputs_are_left_to_myst_nb():
    for mime in ("text/html", "text/plain", "image/png"):
        assert HiddenGraderOutput.handle_mime(None, SimpleNamespace(mime_type=mime), False) is None
