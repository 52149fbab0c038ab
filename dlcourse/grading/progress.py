"""Progress across the course, read from the learner's own saved exercise notebooks.

``dlcourse progress [FOLDER]`` (default ``./exercises``) and ``dlcourse.grading.progress()`` in a
notebook read every ``NN_*.ipynb`` in the folder, find the outputs that :func:`check` left there
(the ``application/vnd.dlcourse.check+json`` part of each check cell's output, saved with the
notebook) and show, per chapter, which exercises pass. Notebooks are only read, never modified.
An exercise with no saved check output is "not checked yet".
"""
from __future__ import annotations

import argparse
import html
import json
import sys
from pathlib import Path
from typing import Any, Sequence

__all__ = ["progress", "collect", "main"]


def _records(path: Path) -> dict[str, dict[str, Any]]:
    """Latest saved check result of each exercise in one notebook, by id."""
    from .checker import CHECK_MIME

    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except Exception:
        return {}
    found: dict[str, dict[str, Any]] = {}
    for cell in nb.get("cells", []) if isinstance(nb, dict) else []:
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        for out in cell.get("outputs", []) or []:
            data = (out.get("data") or {}) if isinstance(out, dict) else {}
            rec = data.get(CHECK_MIME)
            if isinstance(rec, str):
                try:
                    rec = json.loads(rec)
                except ValueError:
                    continue
            if not isinstance(rec, dict) or not isinstance(rec.get("id"), str):
                continue
            try:
                found[rec["id"]] = {"id": rec["id"], "score": float(rec.get("score", 0)),
                                    "max_score": float(rec.get("max_score", 0)),
                                    "status": str(rec.get("status", "failed"))}
            except (TypeError, ValueError):
                continue
    return found


def collect(folder: str | Path | None = None) -> dict[str, list[dict[str, Any]]]:
    """chapter -> one record per exercise (``id, title, score, max_score, status, notebook``)."""
    from . import chapters, exercises
    from .batch import chapter_of

    root = _default_folder(folder)
    saved: dict[str, dict[str, Any]] = {}
    where: dict[str, str] = {}
    for path in sorted(root.glob("*.ipynb")) if root.is_dir() else []:
        ch = chapter_of(path)
        for ex_id, rec in _records(path).items():
            if ch is None or ex_id.split(".", 1)[0] == ch:
                saved[ex_id] = rec
                where[ex_id] = path.name
    table: dict[str, list[dict[str, Any]]] = {}
    for ch in chapters():
        rows = []
        for ex in exercises(ch):
            rec = saved.get(ex.id)
            rows.append({"id": ex.id, "title": ex.title, "max_score": float(ex.points),
                         "score": min(rec["score"], float(ex.points)) if rec else 0.0,
                         "status": rec["status"] if rec else "not_checked",
                         "notebook": where.get(ex.id, "")})
        table[ch] = rows
    return table


def _default_folder(folder: str | Path | None) -> Path:
    if folder is not None:
        return Path(folder)
    here = Path.cwd()
    return here / "exercises" if (here / "exercises").is_dir() else here


def _render(table: dict[str, list[dict[str, Any]]]) -> tuple[str, str]:
    from ..i18n import tr
    from .checker import _FAIL_COLOR, _GREY, _PASS_COLOR, STATUSES, _fmt_points

    lines, parts = [], []
    total = sum(r["score"] for rows in table.values() for r in rows)
    best = sum(r["max_score"] for rows in table.values() for r in rows)
    n_pass = sum(r["status"] == "passed" for rows in table.values() for r in rows)
    n_all = sum(len(rows) for rows in table.values())
    lines.append(tr(f"Course progress: {n_pass}/{n_all} exercises pass, "
                    f"{_fmt_points(total)}/{_fmt_points(best)} points"))
    parts.append(f"<b>{tr('Course progress')}</b>: "
                 + tr(f"{n_pass} / {n_all} exercises pass, "
                      f"{_fmt_points(total)} / {_fmt_points(best)} points"))
    e = html.escape
    for ch, rows in table.items():
        got = sum(r["score"] for r in rows)
        mx = sum(r["max_score"] for r in rows)
        lines.append(tr(f"Chapter {ch}: {_fmt_points(got)}/{_fmt_points(mx)}"))
        parts.append(f'<div style="margin-top:6px"><b>{e(tr(f"Chapter {ch}"))}</b>: '
                     + e(tr(f"{_fmt_points(got)} / {_fmt_points(mx)} points")) + "<table>")
        for r in rows:
            word = tr(STATUSES.get(r["status"], r["status"]))
            mark = "x" if r["status"] == "passed" else " "
            lines.append(f"  [{mark}] {r['id']:<22} {word:<31} "
                         f"{_fmt_points(r['score'])}/{_fmt_points(r['max_score'])}")
            colour = (_PASS_COLOR if r["status"] == "passed"
                      else _GREY if r["status"] in ("not_checked", "not_attempted") else _FAIL_COLOR)
            parts.append(f'<tr><td style="text-align:left">{e(r["id"])}</td>'
                         f'<td style="text-align:left">{e(tr(r["title"]))}</td>'
                         f'<td style="text-align:left;color:{colour}">{e(word)}</td>'
                         f'<td>{_fmt_points(r["score"])} / {_fmt_points(r["max_score"])}</td></tr>')
        parts.append("</table></div>")
    page = '<div class="dlcourse-progress" style="font-family:sans-serif;font-size:0.92em">' + "".join(parts) + "</div>"
    return "\n".join(lines), page


def progress(folder: str | Path | None = None) -> None:
    """Show which exercises pass, per chapter, from the saved notebooks in ``folder``.

    ``folder`` defaults to ``./exercises`` (or the current folder when there is none). Save your
    notebooks first: only saved check outputs count. Returns ``None``.
    """
    from .checker import _show

    text, page = _render(collect(folder))
    _show({"text/plain": text, "text/html": page})
    return None


def main(argv: Sequence[str] | None = None) -> int:
    """``dlcourse progress [FOLDER]``: 0 when shown, 2 for a folder that does not exist."""
    p = argparse.ArgumentParser(prog="dlcourse progress",
                                description="Show which exercises pass, read from your saved exercise notebooks.")
    p.add_argument("folder", nargs="?", default=None, help="folder of exercise notebooks (default ./exercises)")
    try:
        args = p.parse_args(list(sys.argv[1:] if argv is None else argv))
    except SystemExit as exc:
        return int(exc.code or 0)
    folder = _default_folder(args.folder)
    if not folder.is_dir():
        print(f"dlcourse progress: no such folder: {folder}", file=sys.stderr)
        return 2
    text, _ = _render(collect(folder))
    print(text)
    return 0
