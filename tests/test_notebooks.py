"""Every chapter and exercise notebook runs top to bottom in a fresh kernel, fast enough.

Slow (a kernel per notebook): deselect with ``-m "not slow"``. The time of each notebook is
written to ``test-artifacts/notebook-times/<name>.txt`` (the benchmark reads these too).
"""
import os
import re
import time
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted(ROOT.glob("chapters/*.ipynb")) + sorted(ROOT.glob("exercises/*.ipynb"))
LIMIT_S = float(os.environ.get("DLCOURSE_NOTEBOOK_LIMIT_S", 45))
TIMES = ROOT / "test-artifacts" / "notebook-times"


MAX_OUTPUT_LINES = 30


def run_notebook(path: Path, timeout: int = 120) -> tuple[float, nbformat.NotebookNode]:
    """Execute a notebook in a fresh python3 kernel (cwd = its folder): (seconds, executed nb)."""
    os.environ["DLCOURSE_NO_PROGRESS"] = "1"  # the kernel inherits it: no progress bars
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    client.execute()
    return time.perf_counter() - start, nb


def presentation_problems(nb: nbformat.NotebookNode) -> list[str]:
    """What an executed notebook shows badly on the website.

    Every figure (a PNG output) needs a caption and alt text in its cell's metadata
    (``mystnb: {figure: {caption: ...}, image: {alt: ...}}``), one figure per cell so the caption
    fits it; and no output prints pages of text (more than ``MAX_OUTPUT_LINES`` lines).
    """
    problems = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or {"remove-output", "remove-cell"} & set(cell.metadata.get("tags", [])):
            continue
        where = f"code cell {i} ({cell.source.strip().splitlines()[0][:50] if cell.source.strip() else ''})"
        pngs = sum("image/png" in out.get("data", {}) for out in cell.outputs)
        opts = cell.metadata.get("mystnb", {})
        if pngs > 1:
            problems.append(f"{where}: {pngs} figures in one cell; split it so each gets its caption")
        if pngs and not (opts.get("figure") or {}).get("caption", "").strip():
            problems.append(f"{where}: a figure without a caption (metadata mystnb.figure.caption)")
        if pngs and not (opts.get("image") or {}).get("alt", "").strip():
            problems.append(f"{where}: a figure without alt text (metadata mystnb.image.alt)")
        for out in cell.outputs:
            data = out.get("data", {})
            text = out.get("text", "") if out.output_type == "stream" else (
                "" if {"text/html", "image/png"} & set(data) else data.get("text/plain", ""))
            if len(text.splitlines()) > MAX_OUTPUT_LINES:
                problems.append(f"{where}: prints {len(text.splitlines())} lines; show a summary instead")
    return problems


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_notebook_runs_without_error_in_time(path):
    seconds, nb = run_notebook(path)
    TIMES.mkdir(parents=True, exist_ok=True)
    (TIMES / f"{path.parent.name}__{path.stem}.txt").write_text(f"{seconds:.2f}\n")
    assert seconds < LIMIT_S, f"{path.name} took {seconds:.1f} s; the limit is {LIMIT_S:.0f} s"
    problems = presentation_problems(nb)
    assert not problems, f"{path.name} shows badly on the website:\n" + "\n".join(problems)


def test_notebooks_are_stored_without_outputs():
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code":
                assert not cell.outputs and cell.execution_count is None, (
                    f"{path.relative_to(ROOT)} is stored with outputs; clear them before committing")
        assert nb.metadata.get("kernelspec", {}).get("name") == "python3", f"{path.name}: kernelspec"


LIVE_WIDGET = re.compile(r"\binteract(ive)?\s*\(|@interact|interact_manual|\.observe\(")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_live_widget_demos_are_left_to_jupyter(path):
    """A demo with Python callbacks (``interact``) is tagged ``remove-output`` and ``skip-execution``.

    Its controls would be dead on the static website, so the page shows only its code (the
    static counterpart beside it moves instead). And it is not run by the book build or the
    tests: after an ``interact`` cell nbclient can stall for the whole cell timeout before the
    next cell (jupyter/nbclient#312), which made notebooks of 10 s take over 120 s. In Jupyter
    the tags change nothing: the learner runs the cell and drags the sliders.
    """
    nb = nbformat.read(path, as_version=4)
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and LIVE_WIDGET.search(cell.source):
            tags = set(cell.metadata.get("tags", []))
            assert {"remove-output", "skip-execution"} <= tags, (
                f"{path.name}, code cell {i}: a live widget demo needs the tags "
                f"remove-output and skip-execution; it has {sorted(tags)}")
