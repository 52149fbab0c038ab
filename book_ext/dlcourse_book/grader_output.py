"""A MyST-NB output renderer that keeps the grader's machine-readable outputs off the website.

Each ``check()`` and ``score_table()`` output carries, beside its HTML and plain text, a JSON part
(:data:`~dlcourse.grading.checker.CHECK_MIME`, :data:`~dlcourse.grading.checker.SCORES_MIME`)
that ``dlcourse progress`` reads back from the learner's saved notebook. A reader of the book
should see the HTML, not that JSON. MyST-NB renders every part of an output before it picks one
per builder, and warns about a type it does not know, which fails a ``-W`` build; this plugin,
registered in ``book_ext/pyproject.toml`` under the ``myst_nb.mime_renderers`` entry point
(tools/venv.sh installs that folder), renders these parts as nothing and gives them no
priority, so the HTML is chosen and nothing is warned. It belongs to the book build, not to
the ``dlcourse`` package learners install.

It needs nothing from MyST-NB to import: the plugin protocol is a class with two attributes.
"""
from __future__ import annotations

from typing import Any

from dlcourse.grading.checker import CHECK_MIME, SCORES_MIME

__all__ = ["HiddenGraderOutput"]


class HiddenGraderOutput:
    """Render the grader's JSON output parts as nothing, in every builder."""

    #: (builder, mime type, priority): ``None`` takes the type out of every builder's choice.
    mime_priority_overrides = [("*", CHECK_MIME, None), ("*", SCORES_MIME, None)]

    @staticmethod
    def handle_mime(renderer: Any, data: Any, inline: bool) -> list | None:
        """No nodes for our JSON parts; ``None`` (let MyST-NB render it) for anything else."""
        if data.mime_type in (CHECK_MIME, SCORES_MIME):
            return []
        return None
