"""Keep the "installs dlcourse on Colab" cell of every notebook in step with ``_config.yml``.

A notebook opened on Google Colab (the launch button of each page) has NumPy, torch and
scikit-learn, but not this course's helper package. So every chapter and exercise notebook
starts with one visible code cell that installs ``dlcourse`` from the course repository when,
and only when, it runs on Colab; on a learner's machine, on Binder and in the book build it does
nothing. The repository URL and branch in that cell come from ``repository:`` in
``_config.yml``, the one place a fork changes; this script writes them into the notebooks.
The cell is tagged ``remove-cell``, so the website (MyST-NB) leaves it off the page: a reader
starts with the chapter, not with a pip install meant for Colab. A notebook is written only when
its cell changes (source, tag or place), and then only that cell differs.

Usage::

    python tools/colab_cell.py           # insert or update the cell in every notebook
    python tools/colab_cell.py --check   # exit 1 if a notebook's cell is missing or stale

The build script runs it before every build; ``tests/test_launch.py`` checks the notebooks.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK_DIRS = ("chapters", "exercises")
MARK = "colab_setup"  # cell.metadata["dlcourse"][MARK] = True identifies the cell
HIDE = "remove-cell"  # MyST-NB leaves a cell with this tag off the website

TEMPLATE = '''\
# On Colab only: install the course's helper package, dlcourse (20 s).
# Anywhere else (your machine, Binder, the website) this does nothing.
import sys

if "google.colab" in sys.modules:
    import subprocess

    course = "git+{url}@{branch}"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet",
                    f"dlcourse @ {{course}}"], check=True)'''


def repository(root: Path = ROOT) -> tuple[str, str]:
    """``(url, branch)`` from ``repository:`` in ``root/_config.yml``."""
    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    repo = config.get("repository") or {}
    url = str(repo.get("url") or "").rstrip("/")
    if not url.startswith("https://"):
        raise SystemExit(f"colab_cell: _config.yml needs repository.url (https://...); got {url!r}")
    return url, str(repo.get("branch") or "main")


def cell_source(url: str, branch: str) -> str:
    """The source of the Colab set-up cell for this repository."""
    return TEMPLATE.format(url=url, branch=branch)


def notebooks(root: Path = ROOT) -> list[Path]:
    """Every chapter and exercise notebook."""
    return [p for d in NOTEBOOK_DIRS for p in sorted((root / d).glob("*.ipynb"))]


def is_colab_cell(cell) -> bool:
    """True for the Colab set-up cell this script manages."""
    return bool((cell.get("metadata", {}).get("dlcourse") or {}).get(MARK))


def sync(nb, source: str) -> bool:
    """Make ``nb``'s first code cell the hidden Colab cell with ``source``; True if ``nb`` changed.

    An up-to-date cell (first code cell, this source, tagged ``remove-cell``) is left alone. A
    stale one is put back just above the next code cell with the new source and the tag; it
    keeps its id and its other metadata, so the notebook's diff is that cell alone.
    """
    cells = nb.cells
    found = [i for i, c in enumerate(cells) if is_colab_cell(c)]
    first_code = next((i for i, c in enumerate(cells) if c.cell_type == "code"), len(cells))
    if (found == [first_code] and cells[first_code].source == source
            and HIDE in cells[first_code].metadata.get("tags", [])):
        return False
    old = [cells[i] for i in found]
    for i in reversed(found):
        del cells[i]
    first_code = next((i for i, c in enumerate(cells) if c.cell_type == "code"), len(cells))
    if len(old) == 1:
        cell = old[0]
        cell.source = source
    else:
        cell = nbformat.v4.new_code_cell(source, metadata={"dlcourse": {MARK: True}})
        cell.pop("id", None)
        if nb.nbformat_minor >= 5:
            cell["id"] = "colab-setup"
    tags = list(cell.metadata.get("tags", []))
    if HIDE not in tags:
        cell.metadata["tags"] = tags + [HIDE]
    cells.insert(first_code, cell)
    return True


def main(argv: list[str] | None = None, root: Path = ROOT) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report stale notebooks")
    args = parser.parse_args(argv)
    source = cell_source(*repository(root))
    stale = []
    for path in notebooks(root):
        nb = nbformat.read(str(path), as_version=4)
        if sync(nb, source):
            stale.append(path.relative_to(root))
            if not args.check:
                nbformat.write(nb, str(path))
    if args.check:
        for p in stale:
            print(f"colab_cell: {p} has no up-to-date Colab cell; run python tools/colab_cell.py",
                  file=sys.stderr)
        return 1 if stale else 0
    if stale:
        print(f"colab_cell: updated {len(stale)} notebook(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
