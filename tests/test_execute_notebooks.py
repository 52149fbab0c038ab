"""tools/execute_notebooks.py, the book build's parallel step (``make book``, step 4).

Its kernels must not take TCP ports: a newcomer build running beside the grader tests lost
``exercises/08_optimizers`` to "Address already in use" (two kernels handed the same free port
at the same moment), and Sphinx had to execute it a second time, serially.
"""
from __future__ import annotations

import importlib
from pathlib import Path

import nbformat
import pytest
import yaml

pytestmark = pytest.mark.slow   # starts a kernel
TOOLS = Path(__file__).resolve().parents[1] / "tools"


def _main(monkeypatch, argv=()) -> int:
    # imported by name (as the script runs it, as __main__): the process pool hands its
    # workers the function to call by its module's name
    monkeypatch.syspath_prepend(str(TOOLS))
    return importlib.import_module("execute_notebooks").main(list(argv))


def _project(tmp_path, cells: list[str]):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(c) for c in cells]
    nbformat.write(nb, str(tmp_path / "page.ipynb"))
    (tmp_path / "_toc.yml").write_text(yaml.safe_dump({"format": "jb-book", "root": "page"}))
    cache = tmp_path / "cache"
    (tmp_path / "_config.yml").write_text(yaml.safe_dump(
        {"execute": {"execute_notebooks": "cache", "cache": str(cache), "timeout": 60}}))
    return cache


def _outputs(cache) -> list[str]:
    from jupyter_cache import get_cache

    [record] = get_cache(str(cache)).list_cache_records()
    nb = get_cache(str(cache)).get_cache_bundle(record.pk).nb
    return ["".join(o.get("text", "")) for c in nb.cells for o in c.get("outputs", [])]


def test_the_kernels_talk_over_unix_sockets_and_the_outputs_are_cached(tmp_path, monkeypatch):
    cache = _project(tmp_path, [
        "from ipykernel.kernelapp import IPKernelApp\nprint(IPKernelApp.instance().transport)",
        "import os\nprint(os.path.basename(os.getcwd()))",
    ])
    monkeypatch.chdir(tmp_path)
    assert _main(monkeypatch) == 0
    assert _outputs(cache) == ["ipc\n", f"{tmp_path.name}\n"]   # cwd: the notebook's folder
    assert (cache / ".dlcourse-all-executed").is_file()


def test_a_failing_notebook_is_reported_and_left_for_the_book_build(tmp_path, monkeypatch,
                                                                    capsys):
    cache = _project(tmp_path, ["raise ValueError('broken on purpose')"])
    monkeypatch.chdir(tmp_path)
    assert _main(monkeypatch) == 0
    err = capsys.readouterr().err
    assert "page.ipynb: FAILED" in err and "failed: page.ipynb" in err
    assert not (cache / ".dlcourse-all-executed").exists()   # the next build tries again
