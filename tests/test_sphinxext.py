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


def test_the_book_sidebar_is_not_rendered_just_to_see_if_it_is_empty(monkeypatch):
    utils = pytest.importorskip("pydata_sphinx_theme.utils")
    rendered = []

    def render(template, context):
        rendered.append(template)
        return "" if template == "empty.html" else "<nav>...</nav>"

    app = SimpleNamespace(builder=SimpleNamespace(templates=SimpleNamespace(render=render)))
    # the theme's own function, even if a Sphinx build in this process already wrapped it
    check = utils._update_and_remove_templates
    monkeypatch.setattr(utils, "_update_and_remove_templates", getattr(check, "__wrapped__", check))
    sidebars = ["sbt-sidebar-nav.html", "search-field", "empty.html"]
    kept = utils._update_and_remove_templates(app, {}, sidebars, "sidebars")
    assert rendered == ["sbt-sidebar-nav.html", "search-field.html", "empty.html"]  # the defect
    sphinxext.render_the_book_sidebar_once()
    sphinxext.render_the_book_sidebar_once()   # wrapped once
    rendered.clear()
    assert utils._update_and_remove_templates(app, {}, sidebars, "sidebars") == kept \
        == ["sbt-sidebar-nav.html", "search-field.html"]
    assert rendered == ["search-field.html", "empty.html"]


def test_each_english_word_is_stemmed_once_per_build(monkeypatch):
    from sphinx.search.en import SearchEnglish

    stem = SearchEnglish.stem   # Sphinx's own, even if a build in this process wrapped it
    monkeypatch.setattr(SearchEnglish, "stem", getattr(stem, "__wrapped__", stem))
    language = SearchEnglish({})
    words = ["gradients", "vanishing", "Gradients", "layers", "gradients"] * 3
    expected = [language.stem(w) for w in words]
    calls = []
    stemmer = language.stemmer
    monkeypatch.setattr(language, "stemmer", SimpleNamespace(
        stemWord=lambda w: calls.append(w) or stemmer.stemWord(w)))
    sphinxext.remember_english_stems()
    sphinxext.remember_english_stems()
    assert [language.stem(w) for w in words] == expected
    assert [SearchEnglish({}).stem(w) for w in words] == expected   # a second page, same stems
    assert sorted(calls) == ["gradients", "gradients", "layers", "vanishing"]
