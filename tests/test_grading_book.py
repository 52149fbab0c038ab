"""The MyST-NB plugin that keeps the grader's JSON output parts off the website, which lives
with the book tooling (book_ext/), not in the package learners install."""
import importlib.util
from importlib.metadata import distribution, entry_points
from types import SimpleNamespace

from dlcourse_book.grader_output import HiddenGraderOutput
from dlcourse.grading.checker import CHECK_MIME, SCORES_MIME


def test_plugin_is_registered_for_myst_nb():
    eps = entry_points(group="myst_nb.mime_renderers")
    assert any(ep.load() is HiddenGraderOutput for ep in eps), "run tools/venv.sh (it installs book_ext/)"


def test_grader_json_renders_as_nothing_and_is_never_chosen():
    for mime in (CHECK_MIME, SCORES_MIME):
        assert HiddenGraderOutput.handle_mime(None, SimpleNamespace(mime_type=mime), False) == []
        assert ("*", mime, None) in HiddenGraderOutput.mime_priority_overrides


def test_other_outputs_are_left_to_myst_nb():
    for mime in ("text/html", "text/plain", "image/png"):
        assert HiddenGraderOutput.handle_mime(None, SimpleNamespace(mime_type=mime), False) is None


def test_the_learner_package_holds_no_book_extension():
    for name in ("dlcourse.sphinxext", "dlcourse.grading.book"):
        assert importlib.util.find_spec(name) is None, f"{name} belongs in book_ext/"
    groups = {ep.group for ep in distribution("dlcourse").entry_points}
    assert "myst_nb.mime_renderers" not in groups, groups
