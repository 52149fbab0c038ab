"""A small Sphinx extension for the course's website: a clean console and working widgets.

* **Each inline script once.** Jupyter Book 1 sets up sphinx-thebe and sphinx-togglebutton so
  that their inline configuration scripts are added to every page twice. The second
  ``const THEBE_JS_URL = ...`` is a ``SyntaxError`` in the console of every page. The repeated
  inline scripts (same body, same attributes) are dropped before a page is written; scripts
  loaded from files are already deduplicated by Sphinx.
* **Icons nested, not replaced.** The theme's Font Awesome script swaps every ``<i class="fa
  ...">`` for an ``<svg>``. The ipywidgets Play button then finds no ``<i>`` to switch between
  play and pause, throws, and the frame sliders stop moving. ``autoReplaceSvg: "nest"`` puts
  the ``<svg>`` inside the ``<i>`` instead, so the icon still shows and the widget still works.
* **Citations resolved without rescanning the installed packages.** sphinxcontrib-bibtex asks
  pybtex for its style plugins at every citation, and pybtex looks each one up among the entry
  points of every installed distribution: 129 scans, an eighth of the English build's CPU time
  (profiled with cProfile). The lookups are remembered for the build (same plugin, same name).
* **The book's sidebar rendered once per page, not twice.** Before writing a page, the
  pydata theme renders every component once to drop those that come out empty, then renders the
  page. It skips that check for its own navigation tree but not for sphinx-book-theme's
  (``sbt-sidebar-nav.html``), which is never empty (it holds at least the home link) and is the
  slowest component: a tenth of the build's CPU time.
* **Each word stemmed once per build.** The English search index stems every word of a page;
  Sphinx remembers the stems within a page only. The same few thousand words recur on every
  page, so the stems are remembered across pages (the Porter stemmer is a pure function).

Listed in ``_config.yml`` under ``sphinx.extra_extensions``.
"""
from __future__ import annotations

import functools
from typing import Any

__all__ = ["setup", "drop_repeated_inline_scripts", "FONT_AWESOME_CONFIG",
           "remember_pybtex_entry_points", "render_the_book_sidebar_once",
           "remember_english_stems"]

#: sphinx-book-theme's navigation tree: never empty, so never rendered just to check that.
BOOK_SIDEBAR = "sbt-sidebar-nav.html"

#: Read by the theme's (deferred) Font Awesome script; inline scripts in <head> run before it.
FONT_AWESOME_CONFIG = 'window.FontAwesomeConfig = {autoReplaceSvg: "nest"};'


def drop_repeated_inline_scripts(app: Any, pagename: str, templatename: str, context: dict,
                                 doctree: Any) -> None:
    """Keep the first of inline scripts that are identical; leave every other script alone."""
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, kept = set(), []
    for js in scripts:
        attrs = getattr(js, "attributes", {}) or {}
        filename = getattr(js, "filename", js)  # Sphinx >= 7.4: an object; before: a str
        if not filename and attrs.get("body"):  # an inline script (no file)
            key = tuple(sorted((k, str(v)) for k, v in attrs.items()))
            if key in seen:
                continue
            seen.add(key)
        kept.append(js)
    context["script_files"] = kept


def remember_pybtex_entry_points() -> None:
    """Make pybtex's entry-point lookup (by group and name) scan the installed packages once.

    Plugins registered at run time are still found first: pybtex checks them before it calls
    ``entry_points``, which is all that is remembered here.
    """
    try:
        import pybtex.plugin as plugin
    except ImportError:   # no sphinxcontrib-bibtex in this environment: nothing to speed up
        return
    lookup = plugin.entry_points
    if getattr(lookup, "dlcourse_remembered", False):
        return   # already remembered (a second build in the same process)

    @functools.wraps(lookup)
    def entry_points(**selection):
        return _remembered(lookup, tuple(sorted(selection.items())))

    entry_points.dlcourse_remembered = True
    plugin.entry_points = entry_points


@functools.lru_cache(maxsize=None)
def _remembered(lookup, selection: tuple) -> tuple:
    return tuple(lookup(**dict(selection)))


def render_the_book_sidebar_once() -> None:
    """Add the book theme's sidebar to the components the pydata theme does not pre-render."""
    try:
        import pydata_sphinx_theme.utils as utils
    except ImportError:
        return
    check = utils._update_and_remove_templates
    if getattr(check, "dlcourse_patched", False):
        return

    @functools.wraps(check)
    def update_and_remove_templates(app, context, templates, section,
                                    templates_skip_empty_check=None):
        skip = [*(templates_skip_empty_check or []), BOOK_SIDEBAR]
        return check(app, context, templates, section, skip)

    update_and_remove_templates.dlcourse_patched = True
    utils._update_and_remove_templates = update_and_remove_templates


def remember_english_stems() -> None:
    """Remember the English search index's stems across the pages of a build."""
    from sphinx.search.en import SearchEnglish

    stem = SearchEnglish.stem
    if getattr(stem, "dlcourse_patched", False):
        return
    stems: dict[str, str] = {}

    @functools.wraps(stem)
    def remembered(self, word: str) -> str:
        try:
            return stems[word]
        except KeyError:
            stems[word] = found = stem(self, word)
            return found

    remembered.dlcourse_patched = True
    SearchEnglish.stem = remembered


def setup(app: Any) -> dict[str, Any]:
    remember_pybtex_entry_points()
    render_the_book_sidebar_once()
    remember_english_stems()
    app.add_js_file(None, body=FONT_AWESOME_CONFIG, priority=100)
    app.connect("html-page-context", drop_repeated_inline_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
