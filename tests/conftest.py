"""Shared fixtures for the grading tests: building small notebooks and reading solutions."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]


def write_notebook(path, cells, chapter="01"):
    """Write a notebook: ``cells`` are source strings, or ``(source, exercise_id)`` answer cells."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    if chapter is not None:
        nb.metadata["dlcourse"] = {"chapter": chapter}
    for c in cells:
        if isinstance(c, tuple):
            src, ex = c
            nb.cells.append(nbformat.v4.new_code_cell(
                src, metadata={"tags": ["answer"], "dlcourse": {"exercise": ex}}))
        else:
            nb.cells.append(nbformat.v4.new_code_cell(c))
    nbformat.write(nb, str(path))
    return Path(path)


def load_solutions(chapter: str):
    """The ``tests/solutions/chNN.py`` module of a chapter, or None."""
    path = ROOT / "tests" / "solutions" / f"ch{chapter}.py"
    if not path.exists():
        return None
    spec = importlib.util.spec_from_file_location(f"_solutions_ch{chapter}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def exercise_notebook(chapter: str):
    """The path of ``exercises/NN_*.ipynb`` for a chapter, or None."""
    found = sorted((ROOT / "exercises").glob(f"{chapter}_*.ipynb"))
    return found[0] if found else None


def filled_notebook(chapter: str, dest, snippets: dict) -> Path:
    """The chapter's exercise notebook with its answer cells replaced by ``snippets[id]``."""
    nb = nbformat.read(str(exercise_notebook(chapter)), as_version=4)
    for c in nb.cells:
        ex = (c.get("metadata", {}).get("dlcourse") or {}).get("exercise")
        if ex in snippets:
            c.source = snippets[ex]
    nbformat.write(nb, str(dest))
    return Path(dest)


@pytest.fixture
def notebook_writer(tmp_path):
    def make(name, cells, chapter="01"):
        return write_notebook(tmp_path / name, cells, chapter)

    return make
