"""dlcourse_book.sphinxext (book_ext/): repeated inline scripts are dropped, all else kept."""
from types import SimpleNamespace

from dlcourse_book.sphinxext import drop_repeated_inline_scripts


def _js(filename, **attrs):
    return SimpleNamespace(filename=filename, attributes=attrs)


def test_repeated_inline_scripts_are_dropped_and_order_kept():
    thebe, toggle = _js("", body="const THEBE_JS_URL = 1"), _js("", body="var sel = 2")
    files = [_js("a.js"), _js("b.js", **{"async": "async"})]
    context = {"script_files": [files[0], thebe, toggle, files[1], _js("", body="const THEBE_JS_URL = 1"),
                                _js("", body="var sel = 2"), _js("", body="other")]}
    drop_repeated_inline_scripts(None, "intro", "page.html", context, None)
    bodies = [(j.filename, j.attributes.get("body")) for j in context["script_files"]]
    assert bodies == [("a.js", None), ("", "const THEBE_JS_URL = 1"), ("", "var sel = 2"),
                      ("b.js", None), ("", "other")]


def test_same_body_with_other_attributes_is_kept():
    context = {"script_files": [_js("", body="x"), _js("", body="x", type="module")]}
    drop_repeated_inline_scripts(None, "p", "page.html", context, None)
    assert len(context["script_files"]) == 2


def test_pages_without_scripts_are_left_alone():
    context = {}
    drop_repeated_inline_scripts(None, "p", "page.html", context, None)
    assert context == {}
