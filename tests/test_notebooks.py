"""Every chapter and exercise notebook runs top to bottom without error and shows well.

The notebooks are executed once per test run, by the newcomer book build (``newcomer_build`` in
``conftest.py``: ``make book -W`` in a fresh clone, which executes them in parallel into its
jupyter-cache). These tests read the executed notebooks from that cache, as the pages show them,
instead of running them again. ``DLCOURSE_SITE=path/to/_build/html`` reads instead the cache of
a book built before from this checkout (``_build/.jupyter_cache`` beside that ``html`` folder, or
``DLCOURSE_JUPYTER_CACHE=folder`` for a cache set elsewhere with ``execute.cache``).

Slow (they need the book build): deselect with ``-m "not slow"``. There is no time limit here:
a timing assertion is a flaky test. Each notebook's execution time, as the build measured it, is
written to ``test-artifacts/notebook-times/<name>.txt``; ``make bench`` measures times.
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
TIMES = ROOT / "test-artifacts" / "notebook-times"


MAX_OUTPUT_LINES = 30


def run_notebook(path: Path, timeout: int = 120) -> tuple[float, nbformat.NotebookNode]:
    """Execute a notebook in a fresh python3 kernel (cwd = its folder): (seconds, executed nb).

    Not used by the tests (they read the build's executions); ``make bench`` times with it.
    """
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


@pytest.fixture(scope="session")
def executed(request):
    """The built book's root and its jupyter-cache (which holds every executed notebook)."""
    from jupyter_cache import get_cache

    reuse = os.environ.get("DLCOURSE_SITE")
    if reuse:
        book = ROOT   # a site built from this checkout
        folder = Path(os.environ.get("DLCOURSE_JUPYTER_CACHE")
                      or Path(reuse).resolve().parent / ".jupyter_cache")
    else:
        book = Path(request.getfixturevalue("newcomer_build")["clone"])
        folder = book / "_build" / ".jupyter_cache"
    if not folder.is_dir():
        pytest.fail(f"no execution cache at {folder}: the book build did not run "
                    "(see test-artifacts/newcomer-build.log)")
    return book, get_cache(str(folder))


def executed_notebook(book: Path, cache, path: Path) -> tuple[nbformat.NotebookNode, float]:
    """The notebook as the build executed it (outputs merged in, as on its page), and seconds.

    Fails with the build's traceback if the notebook stopped on an error.
    """
    source = book / path.relative_to(ROOT)
    if not source.exists():
        pytest.fail(f"{path.name} is not in the built checkout {book} (a new file: `git add` it)")
    nb = nbformat.read(source, as_version=4)
    try:
        pk, merged = cache.merge_match_into_notebook(nb)
    except KeyError:
        try:
            traceback = cache.get_project_record(str(source)).traceback or ""
        except KeyError:
            traceback = ""
        traceback = re.sub(r"\x1b\[[0-9;]*m", "", traceback)   # no terminal colours
        pytest.fail(f"{path.name} did not run top to bottom in the book build:\n{traceback[-5000:]}"
                    if traceback else
                    f"the book build's cache holds no run of {path.name} as it is now: it is "
                    "not in _toc.yml, or it changed after the build (with DLCOURSE_SITE: "
                    "rebuild); see test-artifacts/newcomer-build.log")
    seconds = cache.get_cache_record(pk).data.get("execution_seconds")
    return merged, seconds


@pytest.mark.slow
@pytest.mark.xdist_group("site")   # beside the site tests: they wait for the same build
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_notebook_runs_without_error(path, executed):
    nb, seconds = executed_notebook(*executed, path)
    if seconds is not None:   # for the benchmark, never a limit
        TIMES.mkdir(parents=True, exist_ok=True)
        (TIMES / f"{path.parent.name}__{path.stem}.txt").write_text(f"{seconds:.2f}\n")
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
