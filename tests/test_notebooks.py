"""Every chapter and exercise notebook runs top to bottom in a fresh kernel, fast enough.

Slow (a kernel per notebook): deselect with ``-m "not slow"``. The time of each notebook is
written to ``test-artifacts/notebook-times/<name>.txt`` (the benchmark reads these too).
"""
import os
import time
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted(ROOT.glob("chapters/*.ipynb")) + sorted(ROOT.glob("exercises/*.ipynb"))
LIMIT_S = float(os.environ.get("DLCOURSE_NOTEBOOK_LIMIT_S", 45))
TIMES = ROOT / "test-artifacts" / "notebook-times"


def run_notebook(path: Path, timeout: int = 120) -> float:
    """Execute a notebook in a fresh python3 kernel (cwd = its folder); return the seconds taken."""
    os.environ["DLCOURSE_NO_PROGRESS"] = "1"  # the kernel inherits it: no progress bars
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    client.execute()
    return time.perf_counter() - start


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_notebook_runs_without_error_in_time(path):
    seconds = run_notebook(path)
    TIMES.mkdir(parents=True, exist_ok=True)
    (TIMES / f"{path.parent.name}__{path.stem}.txt").write_text(f"{seconds:.2f}\n")
    assert seconds < LIMIT_S, f"{path.name} took {seconds:.1f} s; the limit is {LIMIT_S:.0f} s"


def test_notebooks_are_stored_without_outputs():
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code":
                assert not cell.outputs and cell.execution_count is None, (
                    f"{path.relative_to(ROOT)} is stored with outputs; clear them before committing")
        assert nb.metadata.get("kernelspec", {}).get("name") == "python3", f"{path.name}: kernelspec"
