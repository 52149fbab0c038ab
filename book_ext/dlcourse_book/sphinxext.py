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

Listed in ``_config.yml`` under ``sphinx.extra_extensions``.
"""
from __future__ import annotations

from typing import Any

__all__ = ["setup", "drop_repeated_inline_scripts", "FONT_AWESOME_CONFIG"]

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


def setup(app: Any) -> dict[str, Any]:
    app.add_js_file(None, body=FONT_AWESOME_CONFIG, priority=100)
    app.connect("html-page-context", drop_repeated_inline_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
