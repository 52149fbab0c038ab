"""The ``dlcourse`` command: ``grade``, ``merge``, ``export`` and ``progress``."""
from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    usage = (
        "usage: dlcourse grade SUBMISSION.ipynb [...] --out grades.csv [--feedback DIR]\n"
        "           [--exercise ID] [--seed N] [--shard I/N] [--student-pattern REGEX]\n"
        "       dlcourse merge PART.csv [...] --out grades.csv\n"
        "       dlcourse export grades.csv --format wide|canvas|moodle --out FILE\n"
        "       dlcourse progress [FOLDER]\n"
        "Run 'dlcourse COMMAND --help' for the options."
    )
    if not argv or argv[0] in ("-h", "--help"):
        print(usage)
        return 0 if argv else 2
    command, rest = argv[0], argv[1:]
    if command == "grade":
        from .grading.cli import main as grade_main

        return grade_main(rest)
    if command == "merge":
        from .grading.merge import main as merge_main

        return merge_main(rest)
    if command == "export":
        from .grading.export import main as export_main

        return export_main(rest)
    if command == "progress":
        from .grading.progress import main as progress_main

        return progress_main(rest)
    print(f"dlcourse: unknown command {command!r}\n{usage}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
