r"""``dlcourse grade ... --feedback DIR``: one HTML page per submission, to hand back.

Each page is self-contained: inline CSS, no script, no image, no link to load, and a
Content-Security-Policy that forbids the browser any request (``default-src 'none'``), so it
reads the same offline and cannot call home. It lists every exercise graded in the run: the
score, the status in words, the explanation, and every case with expected against received and
the hint, when one recognised the mistake.

Everything that comes from the submission (the answers' outputs, exception texts, names, the
file name) is escaped with :func:`html.escape`: a submission cannot inject markup.

File names: the submission's file name with anything but letters, digits, ``-``, ``_`` and
``.`` replaced by ``_``, then ``-`` and 8 hex digits of the SHA-256 of its full path, then
``.html``: the name never leaves DIR (no ``/``, no leading dot), is the same on a regrade
(which replaces it), and two students' files never share one (``a/03_x.ipynb`` and
``b/03_x.ipynb`` get different digits). An existing symbolic link there is replaced, never
followed.
"""
from __future__ import annotations

import hashlib
import html
import os
import re
import tempfile
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from ..i18n import _, language, notebook_language, tr, using
from .judge import STATUSES, Result

__all__ = ["detail_of", "page_name", "render", "write_page"]

_CSS = """
body{font:15px/1.45 system-ui,sans-serif;max-width:56rem;margin:2rem auto;padding:0 1rem;
color:#222}
h1{font-size:1.4rem}h2{font-size:1.1rem;margin:1.6rem 0 .3rem}
.passed{color:#0a6b2d}.partial{color:#8a5a00}.other{color:#a4161a}
table{border-collapse:collapse;width:100%;margin:.4rem 0}
td,th{border:1px solid #ccc;padding:2px 8px;vertical-align:top;text-align:left}
pre{margin:0;white-space:pre-wrap;word-break:break-all;font-size:13px}
.note{background:#fff3cd;border:1px solid #e0c36a;padding:.5rem .8rem}
"""


def _short(value: Any, limit: int = 600) -> str:
    if isinstance(value, np.ndarray):
        text = np.array2string(value, precision=6, threshold=40, max_line_width=78)
        text = _(f"array of shape {value.shape}, dtype {value.dtype}:\n{text}")
    else:
        text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def detail_of(res: Result) -> dict:
    """The plain-data record of a result, as the page and the cache keep it."""
    return {"message": res.message,
            "cases": [{"label": v.label, "ok": bool(v.ok), "message": v.message,
                       "expected": _short(v.expected), "received": _short(v.received),
                       "hint": v.hint} for v in res.verdicts]}


def page_name(submission: str) -> str:
    """The page's file name in DIR (see the module docstring)."""
    stem = re.sub(r"[^A-Za-z0-9._-]", "_", Path(submission).name.removesuffix(".ipynb"))
    stem = stem.lstrip(".") or "submission"
    digest = hashlib.sha256(str(submission).encode("utf-8")).hexdigest()[:8]
    return f"{stem[:80]}-{digest}.html"


def _e(text: Any) -> str:
    return html.escape(str(text), quote=True)


def _css_class(status: str) -> str:
    return status if status in ("passed", "partial") else "other"


def render(submission: str, student: str, chapter: str | None, note: str,
           rows: Sequence[Any]) -> str:
    """The page of one submission; ``rows`` are gradebook rows with their ``detail``. In the
    submission's language (its metadata ``dlcourse.language``, else :func:`dlcourse.i18n.language`):
    the texts are kept in English and translated here, when shown."""
    lang = notebook_language(submission) or language()
    with using(lang):
        return _render(submission, student, chapter, note, rows, lang)


def _render(submission: str, student: str, chapter: str | None, note: str,
            rows: Sequence[Any], lang: str) -> str:
    got = sum(r.score for r in rows)
    best = sum(r.max_score for r in rows)
    ch = chapter or "?"
    out = ["<!DOCTYPE html>", f'<html lang="{lang}"><head><meta charset="utf-8">',
           "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
           "style-src 'unsafe-inline'\">",
           f"<title>{_e(tr(f'Feedback: {student}, chapter {ch}'))}</title>",
           f"<style>{_CSS}</style></head><body>",
           f"<h1>{_e(tr(f'Feedback for {student}: chapter {ch}'))}</h1>",
           f"<p>{_e(tr('Submission'))} <code>{_e(Path(submission).name)}</code>. "
           f"{_e(tr('Total:'))} <strong>{got:g} / {best:g}</strong> {_e(tr('points.'))}</p>"]
    if note:
        out.append(f'<p class="note">{_e(tr(f"Note: {note}."))}</p>')
    for r in rows:
        d = getattr(r, "detail", None) or {}
        words = STATUSES.get(r.status, r.status)
        out.append(f"<h2>{_e(r.exercise or tr('the notebook'))}: {r.score:g} / {r.max_score:g} "
                   f'<span class="{_css_class(r.status)}">({_e(tr(words))})</span></h2>')
        if d.get("message") or not d.get("cases"):
            out.append(f"<p>{_e(tr(d.get('message') or r.feedback))}</p>")
        cases = d.get("cases") or []
        if cases:
            n_ok = sum(c["ok"] for c in cases)
            out.append(f"<p>{_e(tr(f'{n_ok} of {len(cases)} cases passed.'))}</p>")
            out.append("<table><tr>" + "".join(f"<th>{_e(w)}</th>" for w in (
                tr("case"), tr("result"), tr("expected"), tr("received"))) + "</tr>")
            for c in cases:
                verdict = tr("passed") if c["ok"] else tr(c["message"] or "failed")
                hint = (f"<br><strong>{_e(tr('Hint:'))}</strong> {_e(tr(c['hint']))}"
                        if c.get("hint") else "")
                exp = rec = ""
                if not c["ok"]:
                    exp = f"<pre>{_e(tr(c['expected']))}</pre>"
                    rec = f"<pre>{_e(tr(c['received']))}</pre>"
                out.append(f"<tr><td>{_e(tr(c['label']))}</td><td>{_e(verdict)}{hint}</td>"
                           f"<td>{exp}</td><td>{rec}</td></tr>")
            out.append("</table>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def write_page(folder: str | os.PathLike, submission: str, text: str) -> Path:
    """Write the page atomically as ``folder/page_name(submission)``; return its path."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    dest = folder / page_name(submission)
    assert dest.parent == folder and "/" not in dest.name  # page_name never leaves the folder
    fd, tmp = tempfile.mkstemp(prefix=".feedback-", suffix=".html", dir=str(folder))
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, dest)  # replaces a symlink itself, never what it points to
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return dest
