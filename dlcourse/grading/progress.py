"""Progress across the course, read from the learner's own saved exercise notebooks."""
from __future__ import annotations


def progress(folder=None) -> None:
    """Show, per chapter, which exercises pass (filled in below)."""
    print("progress: not available yet")


def main(argv=None) -> int:
    progress(None)
    return 0
