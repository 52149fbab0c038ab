"""dlcourse_book.sphinxext (book_ext/): repeated inline scripts are dropped, all else kept;
pybtex's plugin lookups scan the installed packages once per build."""
from types import SimpleNamespace

import pytest

from dlcourse_book import sphinxext
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


def test_pybtex_finds_the_same_plugins_scanning_the_installed_packages_once(monkeypatch):
    plugin = pytest.importorskip("pybtex.plugin")
    calls = []

    def counting(**selection):
        calls.append(selection)
        return original(**selection)

    original = plugin.entry_points
    monkeypatch.setattr(plugin, "entry_points", counting)
    before = [plugin.find_plugin("pybtex.style.formatting", "plain") for _ in range(3)]
    assert len(calls) == 3   # the defect: every lookup scanned every installed package
    sphinxext._remembered.cache_clear()
    sphinxext.remember_pybtex_entry_points()
    sphinxext.remember_pybtex_entry_points()   # twice in one process: wrapped once
    calls.clear()
    after = [plugin.find_plugin("pybtex.style.formatting", "plain") for _ in range(3)]
    assert after == before and len(calls) == 1
    # a plugin registered at run time still wins, as pybtex intends
    monkeypatch.setitem(plugin._RUNTIME_PLUGINS, "pybtex.style.formatting", {"plain": int})
    assert plugin.find_plugin("pybtex.style.formatting", "plain") is int
    with pytest.raises(plugin.PluginNotFound):
        plugin.find_plugin("pybtex.style.formatting", "no-such-style")
