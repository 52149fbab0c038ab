"""``python -m dlcourse.grading SUB.ipynb ... --out grades.csv`` (or ``... progress [FOLDER]``)."""
from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "progress":
        from .progress import main as progress_main

        return progress_main(argv[1:])
    if argv and argv[0] == "grade":
        argv = argv[1:]
    from .cli import main as grade_main

    return grade_main(argv)


if __name__ == "__main__":
    sys.exit(main())
