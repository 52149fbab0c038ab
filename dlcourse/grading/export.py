r"""``dlcourse export grades.csv --format wide|canvas|moodle --out FILE``.

The gradebook has one row per submission and exercise; a teacher's platform wants one row per
student. Who a row belongs to: the gradebook's ``student`` column, or (an old gradebook without
it) the submission's file name without its folder and ``.ipynb``.

A student with several submissions for one chapter is credited with **their best submission
for that chapter** (highest chapter total; on a tie, the later row in the gradebook): its
exercise scores fill the row, never a mix of attempts. An exercise without a row for that
student (a missing chapter, a regrade of some exercises only) is left empty and counts 0 in the
totals; the maxima come from the gradebook's ``max_score``.

- ``wide``: ``student``, one column per exercise (chapter order, then the gradebook's order),
  ``chNN total`` per chapter, ``total``.
- ``canvas``: Canvas's gradebook import layout: ``Student, ID, SIS User ID, SIS Login ID,
  Section``, then one column per assignment (``dlcourse chapter NN``), and a second line
  ``Points Possible`` with the maxima. The student goes into ``Student`` and ``SIS User ID``
  (Canvas matches rows by ``ID``, ``SIS User ID`` or ``SIS Login ID``).
- ``moodle``: an identifier column ``ID number`` (mapped at import: *Map from* ``ID number``,
  *Map to* the user field that holds it, such as ID number, username or email address), then one
  grade column per chapter.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Sequence

from .merge import MergeError, read_gradebook, write_table

__all__ = ["FORMATS", "student_table", "export", "main"]

FORMATS = ("wide", "canvas", "moodle")
CANVAS_FIXED = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]


def _num(x: float) -> str:
    return f"{x:.3f}".rstrip("0").rstrip(".")


def _chapter(ex_id: str) -> str:
    return ex_id.split(".", 1)[0]


def student_table(header: Sequence[str], rows: Sequence[Sequence[str]]
                  ) -> tuple[list[str], dict[str, float], dict[str, dict[str, float]]]:
    """(exercise ids in column order, max score of each, {student: {exercise: score}})."""
    col = {name: i for i, name in enumerate(header)}
    ex_order: list[str] = []
    maxima: dict[str, float] = {}
    # (student, chapter) -> submission -> {exercise: score}, in the gradebook's order
    attempts: dict[tuple[str, str], dict[str, dict[str, float]]] = {}
    students: list[str] = []
    for r in rows:
        sub, ex = r[col["submission"]], r[col["exercise"]]
        who = r[col["student"]] if "student" in col and r[col["student"]] else Path(sub).stem
        if who not in students:
            students.append(who)
        if not ex:  # a notebook the grader could not place in a chapter: no exercise column
            continue
        try:
            score, best = float(r[col["score"]]), float(r[col["max_score"]])
        except ValueError:
            raise MergeError(f"row for {sub}, {ex}: the score {r[col['score']]!r} is not a "
                             "number") from None
        if ex not in maxima:
            ex_order.append(ex)
        maxima[ex] = max(maxima.get(ex, 0.0), best)
        attempts.setdefault((who, _chapter(ex)), {}).setdefault(sub, {})[ex] = score
    ex_order.sort(key=lambda e: _chapter(e))  # stable: the gradebook's order within a chapter
    table: dict[str, dict[str, float]] = {s: {} for s in students}
    for (who, _), subs in attempts.items():
        best_sub = None
        for sub, scores in subs.items():  # later ties win
            if best_sub is None or sum(scores.values()) >= sum(subs[best_sub].values()):
                best_sub = sub
        table[who].update(subs[best_sub])
    return ex_order, maxima, table


def _chapters(ex_order: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(_chapter(e) for e in ex_order))


def _chapter_total(scores: dict[str, float], ex_order: Sequence[str], ch: str) -> float:
    return sum(scores.get(e, 0.0) for e in ex_order if _chapter(e) == ch)


def export(gradebook: str | os.PathLike, fmt: str, out: str | os.PathLike | None = None
           ) -> tuple[list[str], list[list[str]]]:
    """Turn a gradebook into the ``fmt`` layout; return (header, rows), write ``out`` if given."""
    if fmt not in FORMATS:
        raise MergeError(f"unknown format {fmt!r}: choose one of {', '.join(FORMATS)}")
    ex_order, maxima, table = student_table(*read_gradebook(gradebook))
    chs = _chapters(ex_order)
    if fmt == "wide":
        header = (["student"] + list(ex_order) + [f"ch{c} total" for c in chs] + ["total"])
        rows = []
        for who, sc in table.items():
            per_ch = [_chapter_total(sc, ex_order, c) for c in chs]
            rows.append([who] + [_num(sc[e]) if e in sc else "" for e in ex_order]
                        + [_num(t) for t in per_ch] + [_num(sum(per_ch))])
    else:
        names = [f"dlcourse chapter {c}" for c in chs]
        ch_max = [_num(_chapter_total(maxima, ex_order, c)) for c in chs]
        totals = {who: [_num(_chapter_total(sc, ex_order, c)) for c in chs]
                  for who, sc in table.items()}
        if fmt == "canvas":
            header = CANVAS_FIXED + names
            rows = [["Points Possible", "", "", "", ""] + ch_max]
            rows += [[who, "", who, "", ""] + t for who, t in totals.items()]
        else:
            header = ["ID number"] + names
            rows = [[who] + t for who, t in totals.items()]
    if out is not None:
        write_table(header, rows, out)
    return header, rows


def main(argv: Sequence[str]) -> int:
    import argparse
    import sys

    p = argparse.ArgumentParser(
        prog="dlcourse export",
        description="Turn a gradebook into one row per student: a wide table, or the CSV "
                    "layout that Canvas or Moodle import.")
    p.add_argument("gradebook", help="the gradebook written by 'dlcourse grade' or 'merge'")
    p.add_argument("--format", required=True, choices=FORMATS, dest="fmt")
    p.add_argument("--out", required=True, help="the CSV file to write")
    try:
        args = p.parse_args(list(argv))
    except SystemExit as exc:
        return int(exc.code or 0)
    if Path(args.out).resolve() == Path(args.gradebook).resolve():
        print(f"dlcourse export: --out {args.out} is the gradebook; refusing to overwrite it",
              file=sys.stderr)
        return 2
    try:
        _, rows = export(args.gradebook, args.fmt, args.out)
    except MergeError as exc:
        print(f"dlcourse export: {exc}", file=sys.stderr)
        return 2
    print(f"Exported {args.fmt} ({len(rows)} line(s)) to {args.out}")
    return 0
