"""A small Sphinx extension for the course's website: each inline script once per page.

Jupyter Book 1 sets up sphinx-thebe and sphinx-togglebutton so that their inline configuration
scripts are added to every page twice. The second ``const THEBE_JS_URL = ...`` is a
``SyntaxError`` in the browser's console on every page. This extension drops the repeated
inline scripts (same body, same attributes) before a page is written; scripts loaded from files
are already deduplicated by Sphinx. Listed in ``_config.yml`` under ``sphinx.extra_extensions``.
"""
from __future__ import annotations

from typing import Any

__all__ = ["setup", "drop_repeated_inline_scripts"]


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
    app.connect("html-page-context", drop_repeated_inline_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
