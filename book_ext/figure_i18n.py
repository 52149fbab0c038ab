"""Sphinx extension: translated captions and alt texts for the figures that code cells draw.

A code cell's figure takes its caption and alt text from the cell's metadata
(``mystnb.figure.caption`` and ``mystnb.image.alt``). In a build with ``language`` set (the
Korean edition), this post-transform replaces both with their translations from
``<locale_dirs[0]>/<language>/LC_MESSAGES/figures.po`` (kept up to date by
``tools/figure_messages.py``). It runs after myst-nb has chosen each output's image, which is
when the alt text is set; Sphinx's own translation pass runs earlier and never sees it.

It also translates the grader's outputs: each ``check()`` and ``score_table()`` output on an
exercise page was made once, in English, when the notebook ran (the two editions share one
execution). On a Korean page, each text of that HTML (title, status, points, message, table
headings) is put through :func:`dlcourse.i18n.translate`, the same catalog ``check()`` uses in a
Korean notebook, so the page shows what a Korean learner's own check cell would show.

And it translates display math (``$$ ... $$`` blocks whose ``\text{...}`` words a translator
put into Korean). Sphinx's own pass would re-parse such a translation as reST (``"::"`` and an
indented block), which MyST reads as a paragraph "::": the block vanished from the Korean page.
:class:`TranslateMathBlocks` runs just before Sphinx's pass and swaps the text in directly.

A caption is found by its figure's name (``mystnb.figure.name``), an alt text by its English
text. The translated caption keeps its ``$math$`` and ```code``` spans; an untranslated text
stays English.
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.transforms import SphinxTransform
from sphinx.transforms.post_transforms import SphinxPostTransform

_SPANS = re.compile(r"\$([^$]+)\$|`([^`]+)`")


def _inline(text: str) -> list[nodes.Node]:
    """Caption text with $math$ and `code` spans as nodes (the markup captions use)."""
    out: list[nodes.Node] = []
    pos = 0
    for m in _SPANS.finditer(text):
        if m.start() > pos:
            out.append(nodes.Text(text[pos:m.start()]))
        if m.group(1) is not None:
            out.append(nodes.math(m.group(0), m.group(1)))
        else:
            out.append(nodes.literal(m.group(0), m.group(2)))
        pos = m.end()
    if pos < len(text):
        out.append(nodes.Text(text[pos:]))
    return out


def _load(app: Any) -> tuple[dict[str, str], dict[str, str]]:
    """(translation by English text, English caption by figure name), read once per build."""
    cached = getattr(app.env, "_figure_i18n", None)
    if cached is not None:
        return cached
    from babel.messages.pofile import read_po

    strings: dict[str, str] = {}
    dirs = app.config.locale_dirs or ["locales"]
    path = Path(app.srcdir) / dirs[0] / app.config.language / "LC_MESSAGES" / "figures.po"
    if path.is_file():
        with path.open("rb") as fh:
            for message in read_po(fh):
                if message.id and message.string and not message.fuzzy:
                    strings[message.id] = message.string
    captions: dict[str, str] = {}
    for nb_path in Path(app.srcdir).glob("*/*.ipynb"):
        if nb_path.parent.name not in ("chapters", "exercises"):
            continue
        for cell in json.loads(nb_path.read_text(encoding="utf-8"))["cells"]:
            figure = (cell.get("metadata", {}).get("mystnb") or {}).get("figure") or {}
            if figure.get("name") and figure.get("caption"):
                captions[nodes.fully_normalize_name(figure["name"])] = figure["caption"]
    app.env._figure_i18n = (strings, captions)
    return strings, captions


class TranslateFigures(SphinxPostTransform):
    """Swap in the translated captions and alt texts (after myst-nb's SelectMimeType, 4)."""

    default_priority = 50

    def run(self, **kwargs: Any) -> None:
        language = self.app.config.language
        if not language or language == "en":
            return
        for raw in self.document.findall(nodes.raw):
            text = raw.astext()
            if "html" in raw.get("format", "") and any(c in text for c in _GRADER_HTML):
                raw.children = [nodes.Text(translate_grader_html(text, language))]
        strings, captions = _load(self.app)
        if not strings:
            return
        for figure in self.document.findall(nodes.figure):
            english = next((captions[n] for n in figure["names"] if n in captions), None)
            if english in strings:
                for caption in figure.findall(nodes.caption):
                    caption.children = []
                    caption += _inline(strings[english])
                    break
        for image in self.document.findall(nodes.image):
            alt = image.get("alt")
            if alt in strings:
                image["alt"] = strings[alt]


_GRADER_HTML = ('class="dlcourse-check"', 'class="dlcourse-scores"')
_TEXT = re.compile(r">([^<>]+)<")
_SEPARATORS = re.compile(r"(\s*(?:\u00b7|\u2014|,|:)(?:\s+|$))")


def _translate_piece(text: str, language: str) -> str:
    """One text of the grader's HTML; else its parts between separators (· — , :)."""
    from dlcourse.i18n import translate

    core = text.strip()
    if not core:
        return text
    done = translate(core, language)
    if done == core:
        parts = _SEPARATORS.split(core)
        done = "".join(p if i % 2 else translate(p, language) for i, p in enumerate(parts))
    start = text[: len(text) - len(text.lstrip())]
    end = text[len(text.rstrip()):]
    return start + done + end


def translate_grader_html(markup: str, language: str) -> str:
    """The grader's output HTML with every text translated (tags and attributes unchanged)."""
    import html as html_lib

    if not language or language == "en":
        return markup

    def one(m: re.Match) -> str:
        text = html_lib.unescape(m.group(1))
        return ">" + html_lib.escape(_translate_piece(text, language), quote=False) + "<"

    return _TEXT.sub(one, markup)


class TranslateMathBlocks(SphinxTransform):
    """Translated display math put in as text, before Sphinx's Locale transform (priority 20),
    which would parse it as reST and lose it. The message is the block's source, as Sphinx's
    gettext builder extracts it."""

    default_priority = 19

    def apply(self, **kwargs: Any) -> None:
        language = self.config.language
        if not language or language == "en" or not self.config.locale_dirs:
            return
        from sphinx.locale import init as init_locale
        from sphinx.util.i18n import docname_to_domain

        domain = docname_to_domain(self.env.docname, self.config.gettext_compact)
        dirs = [str(Path(self.env.srcdir) / d) for d in self.config.locale_dirs]
        catalog, found = init_locale(dirs, language, domain)
        if not found:
            return
        for node in self.document.findall(nodes.math_block):
            msg = node.rawsource or node.astext()
            text = catalog.gettext(msg)
            if text and text != msg:
                node.rawsource = text
                node.children = [nodes.Text(text)]


def setup(app: Any) -> dict[str, Any]:
    app.add_transform(TranslateMathBlocks)
    app.add_post_transform(TranslateFigures)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
