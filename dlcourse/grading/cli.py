r"""The command line of ``dlcourse grade`` (and ``python -m dlcourse.grading``): every option,
its help, and the exit status: 0 when grading ran, 2 for a usage error.

The grading itself is :func:`dlcourse.grading.batch.grade`; this module only reads the command
line, checks what argparse cannot (``--jobs``, ``--shard``), picks the result cache's folder and
prints where the gradebook and the feedback pages went.
"""
from __future__ import annotations

import argparse
import sys
from typing import Sequence

from .batch import UsageError, grade
from .cache import default_folder
from .roster import DEFAULT_STUDENT_PATTERN, parse_shard

__all__ = ["parser", "main"]


def parser() -> argparse.ArgumentParser:
    """The options of ``dlcourse grade``, as ``--help`` lists them."""
    p = argparse.ArgumentParser(
        prog="dlcourse grade",
        description="Grade exercise notebooks into a CSV gradebook. Each submission runs in a "
                    "fresh, capped Jupyter kernel; the verdict is made outside it.")
    p.add_argument("submissions", nargs="+", help="submitted .ipynb files (never modified)")
    p.add_argument("--out", required=True, help="the CSV gradebook to write (atomically)")
    p.add_argument("--timeout", type=float, default=60, help="seconds per cell (default 60)")
    p.add_argument("--total-timeout", type=float, default=300,
                   help="seconds for a whole notebook's own cells (default 300)")
    p.add_argument("--jobs", type=int, default=None, help="submissions graded in parallel")
    p.add_argument("--memory-mb", type=int, default=2048,
                   help="address-space cap of each kernel in MiB (default 2048; 0: no cap)")
    p.add_argument("--output-limit", type=int, default=1 << 20,
                   help="bytes of printed output kept per notebook (default 1 MiB)")
    p.add_argument("--log", default=None, help="append the workers' logs to this file")
    p.add_argument("--student-pattern", default=DEFAULT_STUDENT_PATTERN,
                   help="regex whose group 'student' (or first group) names the student in a "
                        "file name, when the notebook's metadata dlcourse.student is absent "
                        f"(default {DEFAULT_STUDENT_PATTERN!r})")
    p.add_argument("--feedback", default=None, metavar="DIR",
                   help="write one self-contained HTML page per submission into DIR")
    p.add_argument("--exercise", action="append", default=None, metavar="ID", dest="only",
                   help="grade only this exercise (repeatable); merged into an existing --out")
    p.add_argument("--cache", default=None, metavar="DIR",
                   help="the result cache (default $DLCOURSE_GRADE_CACHE or "
                        "~/.cache/dlcourse/grades)")
    p.add_argument("--no-cache", action="store_true", help="neither read nor write the cache")
    p.add_argument("--seed", type=int, default=None,
                   help="also judge every function exercise on cases drawn from this seed "
                        "(with its fixed cases)")
    p.add_argument("--shard", default=None, metavar="I/N",
                   help="grade only share I of N (1-based); writes OUT.manifest.json for "
                        "'dlcourse merge'")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """``dlcourse grade``: returns 0 when grading ran, 2 for a usage error."""
    try:
        args = parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    except SystemExit as exc:
        return int(exc.code or 0)
    if args.jobs is not None and args.jobs < 1:
        print("dlcourse grade: --jobs must be at least 1", file=sys.stderr)
        return 2
    try:
        shard = parse_shard(args.shard) if args.shard is not None else None
    except ValueError as exc:
        print(f"dlcourse grade: {exc}", file=sys.stderr)
        return 2
    cache = None if args.no_cache else (args.cache or str(default_folder()))
    try:
        grade(args.submissions, args.out, timeout=args.timeout, jobs=args.jobs,
              memory_mb=args.memory_mb, total_timeout=args.total_timeout,
              output_limit=args.output_limit, quiet=False, log=args.log,
              student_pattern=args.student_pattern, feedback=args.feedback, only=args.only,
              cache=cache, seed=args.seed, shard=shard)
    except UsageError as exc:
        print(f"dlcourse grade: {exc}", file=sys.stderr)
        return 2
    print(f"Gradebook written to {args.out}")
    if args.feedback:
        print(f"Feedback pages written to {args.feedback}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
