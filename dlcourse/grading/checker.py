r"""Instant feedback in the notebook: ``check(exercise_id, answer)`` and ``score_table(chapter)``.

``check`` calls the answer on every case of one exercise in the learner's own kernel with the
same code the batch grader runs inside a submission's kernel
(:func:`~dlcourse.grading.harvest.call_answer`: CPU-time limit, reuse watch, strict plain-data
encoding), sends inputs and outputs through the same JSON encoding, and judges them with the
same :func:`~dlcourse.grading.judge.judge_payload`. It shows the result: rich HTML in Jupyter
(plus plain text of at most 80 characters a line, plus a machine-readable
``application/vnd.dlcourse.check+json`` part that ``dlcourse progress`` reads back from saved
notebooks), plain text elsewhere. It never raises and returns ``None``.
"""
from __future__ import annotations

import html
import sys
import textwrap
import unicodedata
from typing import Any

import numpy as np

from ..i18n import _, tr
from .harvest import call_answer
from .judge import (STATUSES, Result, answer_spec, evaluate, expected_values,  # noqa: F401
                    judge_payload, plain_inputs, round_trip)
from .spec import Exercise, compare, digits_to_tell, number_pair

__all__ = ["check", "score_table", "Result", "evaluate", "expected_values", "grade_in_process",
           "CHECK_MIME", "SCORES_MIME", "STATUSES"]

CHECK_MIME = "application/vnd.dlcourse.check+json"
SCORES_MIME = "application/vnd.dlcourse.scores+json"
WIDTH = 80  # every plain-text line check() and score_table() print fits in this many characters

_PASS_COLOR = "#0072B2"  # Okabe-Ito blue
_FAIL_COLOR = "#D55E00"  # Okabe-Ito vermillion
_GREY = "#666666"

#: In-kernel record of the latest check of each exercise: id -> {id, score, max_score, status}.
_RESULTS: dict[str, dict[str, Any]] = {}


def grade_in_process(ex: Exercise, answer: Any) -> Result:
    """The whole check of one answer in this process (what :func:`check` shows): the same
    inputs, call, encoding and judge as the batch grader."""
    cases, expected = expected_values(ex)
    fresh = plain_inputs(ex, cases) if ex.kind == "function" else []
    payload = round_trip(call_answer(answer, fresh, answer_spec(ex)))
    return judge_payload(ex, payload, cases, expected)


# --------------------------------------------------------------------------- display
def _differing(received: Any, expected: Any, ex: Exercise, where: str = "") -> tuple[str, Any, Any]:
    """The part of a tuple/list/dict answer that differs (``" (item 1)"``, received, expected),
    so a learner sees dW when dW is wrong, not dx."""
    same = (isinstance(received, (list, tuple)) and isinstance(expected, (list, tuple))
            and len(received) == len(expected)) or (isinstance(received, dict)
                                                    and isinstance(expected, dict))
    if not same or ex.judge is not None:
        return where, received, expected
    keys = range(len(expected)) if isinstance(expected, (list, tuple)) else list(expected)
    for k in keys:
        if isinstance(received, dict) and k not in received:
            break
        ok = compare(received[k], expected[k], ex.rtol, ex.atol)[0]
        if not ok:
            label = _(f"item {k}") if isinstance(expected, (list, tuple)) else _(f"key {k!r}")
            return _differing(received[k], expected[k], ex, f"{where}, {label}" if where else label)
    return where, received, expected


def _pair(expected: Any, received: Any, ex: Exercise, limit: int = 66) -> tuple[str, str]:
    """Expected and received, printed short, with enough digits to tell apart the values
    that differ."""
    num = (int, float)
    if (isinstance(expected, num) and isinstance(received, num) and not isinstance(expected, bool)
            and not isinstance(received, bool)):
        return number_pair(expected, received)
    if (isinstance(expected, np.ndarray) and isinstance(received, np.ndarray)
            and expected.shape == received.shape and 0 < expected.size <= 6):
        e, r = expected.astype(float).ravel(), received.astype(float).ravel()
        bad = ~np.isclose(r, e, rtol=ex.rtol, atol=ex.atol, equal_nan=True)
        p = max([digits_to_tell(a, b, 4) for a, b in zip(e[bad], r[bad])] or [4])
        out = []
        for x in (expected, received):
            body = " ".join(np.array2string(x, separator=", ", formatter={
                "float_kind": lambda v: f"{v:.{p}g}", "int_kind": str, "bool": str}).split())
            text = _(f"{body} (shape {x.shape}, {x.dtype})")
            out.append(text if len(text) <= limit else body if len(body) <= limit
                       else _(f"array of shape {x.shape}, dtype {x.dtype}"))
        return out[0], out[1]
    return _short(expected, limit), _short(received, limit)


def _short(x: Any, limit: int = 66) -> str:
    if isinstance(x, np.ndarray):
        if 0 < x.size <= 6:
            body = " ".join(np.array2string(x, precision=6, separator=", ").split())
            text = _(f"{body} (shape {x.shape}, {x.dtype})")
            if len(text) <= limit:
                return text
        return _(f"array of shape {x.shape}, dtype {x.dtype}")
    text = repr(x)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _columns(text: str) -> int:
    """How many columns ``text`` takes in a terminal: Korean (wide) characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _fmt_points(x: float) -> str:
    return f"{x:.2f}".rstrip("0").rstrip(".") if x != int(x) else str(int(x))


def _wrap(text: str, indent: str, more: str = "") -> list[str]:
    """``text`` wrapped to :data:`WIDTH` characters a line."""
    return textwrap.wrap(" ".join(str(text).split()), WIDTH, initial_indent=indent,
                         subsequent_indent=more or indent, break_long_words=True) or [indent]


def _text(res: Result) -> str:
    ex = res.exercise
    title, status = tr(ex.title), tr(STATUSES.get(res.status, res.status))  # may hold ": "
    score, max_score = _fmt_points(res.score), _fmt_points(res.max_score)
    head = tr(f"[{ex.id}] {title}: {status} - {score}/{max_score} points")
    lines = _wrap(head, "", "  ")
    if res.message:
        lines += _wrap(tr(res.message), "  ")
    if res.status in ("not_attempted", "uses_reference"):
        return "\n".join(lines)
    for v in res.verdicts:
        mark = tr("PASS" if v.ok else "FAIL")
        lines += _wrap(f"{mark}  {tr(v.label)}" + ("" if v.ok else f": {tr(v.message)}"),
                       "  ", "        ")
        if not v.ok:
            if v.received is not None:
                where, got, want = _differing(v.received, v.expected, ex)
                want_s, got_s = _pair(want, got, ex)
                where = f" ({tr(where)})" if where else ""
                lines += _wrap(tr(f"expected{where}: {want_s}"), "        ", "          ")
                lines += _wrap(tr(f"received{where}: {got_s}"), "        ", "          ")
            if v.hint:
                lines += _wrap(tr(f"hint: {v.hint}"), "        ", "          ")
    return "\n".join(lines)


def _html(res: Result) -> str:
    ex = res.exercise
    e = html.escape
    ok_all = res.status == "passed"
    colour = _PASS_COLOR if ok_all else (_GREY if res.status == "not_attempted" else _FAIL_COLOR)
    out = [f'<div class="dlcourse-check" style="border-left:4px solid {colour};padding:4px 10px;'
           f'margin:4px 0;font-family:sans-serif;font-size:0.92em">',
           f'<b>{e(ex.id)}</b> &middot; {e(tr(ex.title))} &mdash; '
           f'<b style="color:{colour}">{e(tr(STATUSES.get(res.status, res.status)))}</b>, '
           + e(tr(f"{_fmt_points(res.score)} / {_fmt_points(res.max_score)} points"))]
    if res.message:
        out.append(f'<div style="margin-top:4px">{e(tr(res.message))}</div>')
    if res.verdicts and res.status not in ("not_attempted", "uses_reference"):
        out.append('<table style="margin-top:4px;border-collapse:collapse">')
        for v in res.verdicts:
            mark = (f'<span style="color:{_PASS_COLOR}">&#10003; {e(tr("passed"))}</span>' if v.ok
                    else f'<span style="color:{_FAIL_COLOR}">&#10007; {e(tr("failed"))}</span>')
            detail = ""
            if not v.ok:
                detail = e(tr(v.message))
                if v.received is not None:
                    where, got, want = _differing(v.received, v.expected, ex)
                    want_s, got_s = _pair(want, got, ex)
                    where = f" ({tr(where)})" if where else ""
                    detail += (f"<br><small>{e(tr(f'expected{where}:'))} "
                               f"<code>{e(tr(want_s))}</code><br>"
                               f"{e(tr(f'received{where}:'))} <code>{e(tr(got_s))}</code></small>")
                if v.hint:
                    detail += f"<br><i>{e(tr(f'Hint: {v.hint}'))}</i>"
            out.append(f'<tr><td style="padding:2px 8px;text-align:left">{mark}</td>'
                       f'<td style="padding:2px 8px;text-align:left">{e(tr(v.label))}</td>'
                       f'<td style="padding:2px 8px;text-align:left">{detail}</td></tr>')
        out.append("</table>")
    out.append("</div>")
    return "".join(out)


def _in_kernel() -> bool:
    ip = sys.modules.get("IPython")
    if ip is None:
        return False
    try:
        shell = ip.get_ipython()
    except Exception:
        return False
    return shell is not None and getattr(shell, "kernel", None) is not None


def _show(bundle: dict[str, Any]) -> None:
    if _in_kernel():
        from IPython.display import display

        display(bundle, raw=True)
    else:
        print(bundle["text/plain"])


# --------------------------------------------------------------------------- public API
def check(exercise_id: str, answer: Any) -> None:
    """Check one exercise at once and show what passed, what failed and why. Returns ``None``.

    ``answer`` is the function you wrote (``check("03.sigmoid", sigmoid)``, no parentheses) or,
    for exercises that ask for a value, the variable. Never raises.
    """
    try:
        from . import get

        ex = get(str(exercise_id))
    except Exception as exc:
        text = f"check({exercise_id!r}): {exc}"
        _show({"text/plain": text, "text/html": f"<div><b>check</b>: {html.escape(str(exc))}</div>"})
        return None
    try:
        res = grade_in_process(ex, answer)
    except Exception as exc:  # a bug in an exercise spec: say so rather than raise
        res = Result(ex, "error", message=f"the checker itself failed ({type(exc).__name__}: {exc}); "
                                          "please report this to the course")
    _RESULTS[ex.id] = res.record()
    _show({"text/plain": _text(res), "text/html": _html(res), CHECK_MIME: res.record()})
    return None


def results() -> dict[str, dict[str, Any]]:
    """A copy of this kernel's latest check results, by exercise id."""
    return {k: dict(v) for k, v in _RESULTS.items()}


def _status_colour(status: str) -> str:
    """The colour of a status word in the score table."""
    if status == "passed":
        return _PASS_COLOR
    return _GREY if status in ("not_checked", "not_attempted") else _FAIL_COLOR


def score_table(chapter: str | int) -> None:
    """Show every exercise of one chapter with its latest score in this kernel. Returns ``None``."""
    from . import chapters, exercises

    ch = str(chapter).zfill(2)
    if ch not in chapters():
        _show({"text/plain": f"score_table: no exercises for chapter {ch!r}",
               "text/html": f"<div>score_table: no exercises for chapter {html.escape(ch)}</div>"})
        return None
    rows = []
    for ex in exercises(ch):
        rec = _RESULTS.get(ex.id, {"id": ex.id, "score": 0.0, "max_score": float(ex.points),
                                   "status": "not_checked"})
        rows.append((ex, rec))
    total = sum(r["score"] for _, r in rows)
    best = sum(r["max_score"] for _, r in rows)
    text = [tr(f"Chapter {ch} exercises: {_fmt_points(total)}/{_fmt_points(best)} points")]
    width = max(len(ex.id) for ex, _r in rows)
    words = max(_columns(tr(STATUSES.get(r["status"], r["status"]))) for _e, r in rows)
    for ex, r in rows:
        word = tr(STATUSES.get(r["status"], r["status"]))
        line = (f"  {ex.id:<{width}}  {word}{' ' * (words - _columns(word))}  "
                f"{_fmt_points(r['score'])}/{_fmt_points(r['max_score'])}")
        room = WIDTH - _columns(line) - 2
        title = tr(ex.title)
        if _columns(title) > room:
            while title and _columns(title) + 3 > room:
                title = title[:-1]
            title += "..."
        text.append(f"{line}  {title}" if room >= 8 else line)
    e = html.escape
    cell = "text-align:left;padding:2px 10px"  # columns that never run together
    cells = "".join(
        f'<tr><td style="{cell}">{e(ex.id)}</td><td style="{cell}">{e(tr(ex.title))}</td>'
        f'<td style="{cell};color:{_status_colour(r["status"])}">'
        f'{e(tr(STATUSES.get(r["status"], r["status"])))}</td>'
        f'<td style="{cell}">{_fmt_points(r["score"])} / {_fmt_points(r["max_score"])}</td></tr>'
        for ex, r in rows)
    head = "".join(f'<th style="{cell}">{e(word)}</th>'
                   for word in (tr("id"), tr("exercise"), tr("status"), tr("points")))
    page = (f'<div class="dlcourse-scores" style="font-family:sans-serif;font-size:0.92em">'
            f'<b>{e(tr(f"Chapter {ch} exercises"))}</b>: '
            + e(tr(f"{_fmt_points(total)} / {_fmt_points(best)} points"))
            + f'<table><tr>{head}</tr>{cells}</table></div>')
    _show({"text/plain": "\n".join(text), "text/html": page,
           SCORES_MIME: {"chapter": ch, "exercises": [r for _, r in rows]}})
    return None
