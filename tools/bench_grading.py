"""Benchmark the batch grader: grade 20 submissions (right and wrong, every chapter with exercises)
and write ``benchmarks/grading.md`` with the average seconds per submission (target < 10 s).

Usage: ``.venv/bin/python tools/bench_grading.py [--n 20] [--jobs 2]``
"""
from __future__ import annotations

import argparse
import collections
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from conftest import exercise_notebook, filled_notebook, load_solutions  # noqa: E402
from dlcourse.grading import chapters  # noqa: E402
from dlcourse.grading.batch import grade  # noqa: E402


def _complete(ch: str) -> bool:
    """True when the chapter's exercise notebook has an answer cell for every exercise."""
    import nbformat

    from dlcourse.grading import exercises

    nb = nbformat.read(str(exercise_notebook(ch)), as_version=4)
    have = {(c.get("metadata", {}).get("dlcourse") or {}).get("exercise") for c in nb.cells}
    return all(ex.id in have for ex in exercises(ch))


def _variants():
    """(chapter, label, snippets) for each chapter: all right, first wrong answers, second wrong answers."""
    out = []
    for ch in chapters():
        sol = load_solutions(ch)
        if sol is None or exercise_notebook(ch) is None or not _complete(ch):
            continue
        wrong = getattr(sol, "WRONG", {})
        out.append((ch, "right", dict(sol.SOLUTIONS)))
        for i in range(2):
            snippets = dict(sol.SOLUTIONS)
            for ex_id, ws in wrong.items():
                if len(ws) > i:
                    snippets[ex_id] = ws[i]
            out.append((ch, f"wrong{i + 1}", snippets))
    return out


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=20)
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--out", default=str(ROOT / "benchmarks" / "grading.md"))
    args = p.parse_args(argv)
    variants = _variants()
    with tempfile.TemporaryDirectory(prefix="bench-grading-") as tmp:
        subs = []
        for i in range(args.n):
            ch, label, snippets = variants[i % len(variants)]
            dest = Path(tmp) / f"{ch}_{label}_{i:02d}.ipynb"
            subs.append(filled_notebook(ch, dest, snippets))
        t0 = time.perf_counter()
        rows = grade(subs, Path(tmp) / "grades.csv", jobs=args.jobs)
        wall = time.perf_counter() - t0
    per = wall / args.n
    statuses = collections.Counter(r.status for r in rows)
    by_ch = collections.Counter(Path(r.submission).name[:2] for r in rows if r.exercise)
    chs = sorted({Path(s).name[:2] for s in subs})
    verdict = "meets" if per < 10 else "MISSES"
    text = f"""# Batch grading benchmark

`tools/bench_grading.py`: `dlcourse grade` on {args.n} submissions (chapters {', '.join(chs)}; each
chapter's exercise notebook filled with the reference solutions or with typical wrong answers),
`--jobs {args.jobs}`, default limits (60 s per cell, 2048 MiB per kernel).

| measure | value |
|---|---|
| machine | {platform.machine()}, {os.cpu_count()} CPU cores, Python {platform.python_version()} |
| submissions | {args.n} |
| exercise rows | {len(rows)} |
| wall time | {wall:.1f} s |
| **average per submission** | **{per:.2f} s** ({verdict} the < 10 s target) |

Statuses: {', '.join(f'{k} {v}' for k, v in sorted(statuses.items()))}.

Each submission starts a fresh kernel (about 1 s), runs the learner's cells (importing
`dlcourse` costs about 1.5 s), then harvests every exercise; the verdicts are made in the
grader's process. Times were measured while other work shared the machine, so they are an
upper bound.
"""
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
