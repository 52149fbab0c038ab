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


# --- warm kernels (tools/warm_kernel.py) ------------------------------------------------------
ROOT = TOOLS.parent
PROBE = [
    "import os, sys\nprint(sys.path)\nprint(os.getcwd())\nprint(os.environ.get('DLCOURSE_PROBE'))",
    "print(__name__, os.path.basename(sys.argv[0]), len(sys.argv))",
    "import matplotlib\nprint(matplotlib.get_backend())\nimport matplotlib.pyplot as plt\n"
    "plt.plot([0, 1], [1, 0])\nplt.show()",
    "os.system('echo from a subprocess')",
    "import warnings\nwarnings.warn('careful')",
    "import numpy as np\nprint(np.arange(3) * 2)",
    "1 / 0",
]


@pytest.fixture(scope="module")
def warm_server(tmp_path_factory):
    """A running ``warm_kernel.py serve``, its socket's path. One for the module's tests: it
    imports PyTorch and the rest once (3 s of CPU time) and forks a kernel per request, itself
    staying as it was."""
    import subprocess
    import sys

    path = tmp_path_factory.mktemp("warm") / "serve.sock"
    proc = subprocess.Popen([sys.executable, str(TOOLS / "warm_kernel.py"), "serve", str(path)],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "ready"
    yield path
    proc.terminate()
    proc.wait(timeout=30)


@pytest.fixture
def warm(warm_server, monkeypatch):
    """The warm server's socket in ``$DLCOURSE_WARM_KERNEL``, for this test."""
    monkeypatch.setenv("DLCOURSE_WARM_KERNEL", str(warm_server))
    return warm_server


def _execute(nb, cwd, monkeypatch, timeout=60):
    """Run ``nb`` with ``cwd`` as its folder. The kernel's sockets go to a temporary folder of
    their own, never into ``cwd``: that is the repository's ``chapters/`` or ``exercises/`` for
    a real chapter, which other tests copy while this one runs."""
    import tempfile

    from nbclient import NotebookClient

    monkeypatch.syspath_prepend(str(TOOLS))
    tools = importlib.import_module("execute_notebooks")
    with tempfile.TemporaryDirectory(prefix="kernel-sockets-") as folder:
        NotebookClient(nb, timeout=timeout, allow_errors=True,
                       resources={"metadata": {"path": str(cwd)}},
                       config=tools.kernel_config(folder),
                       kernel_manager_class=tools.warm_kernel_manager_class()).execute()
    return nb


def _shown(nb) -> list:
    """What a reader sees of each output (the figure's PNG by its size: same plot, same bytes;
    a warning's file name carries the kernel's pid, which differs from any run to the next)."""
    import re

    seen = []
    for cell in nb.cells:
        first = len(seen)   # merge within a cell only
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            text = re.sub(r"ipykernel_\d+", "ipykernel_PID", "".join(out.get("text", "")))
            if out["output_type"] == "stream" and len(seen) > first \
                    and seen[-1][:2] == ("stream", out.get("name")):
                # one print can reach the notebook in two pieces when the kernel's output
                # thread flushes between them (seen under load, warm or fresh): the same text
                seen[-1] = seen[-1][:2] + (seen[-1][2] + text,) + seen[-1][3:]
                continue
            seen.append((out["output_type"], out.get("name"), text,
                         data.get("text/plain"), len(data.get("image/png", "")),
                         out.get("ename"), out.get("evalue")))
    return seen


def _probe_notebook():
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(c) for c in PROBE]
    nb.cells.append(nbformat.v4.new_code_cell("print('torch' in sys.modules)"))
    return nb


def test_a_warm_kernel_shows_a_notebook_what_a_fresh_one_does(tmp_path, monkeypatch, warm):
    monkeypatch.setenv("DLCOURSE_PROBE", "seen")
    warm_nb = _execute(_probe_notebook(), tmp_path, monkeypatch)
    monkeypatch.delenv("DLCOURSE_WARM_KERNEL")
    fresh_nb = _execute(_probe_notebook(), tmp_path, monkeypatch)
    *warm_seen, warm_torch = _shown(warm_nb)
    *fresh_seen, fresh_torch = _shown(fresh_nb)
    # the last cell tells the two apart: only the warm kernel has PyTorch loaded already
    assert (warm_torch[2], fresh_torch[2]) == ("True\n", "False\n")
    assert warm_seen == fresh_seen
    texts = "".join(s[2] for s in warm_seen)
    assert str(tmp_path) in texts and "seen" in texts and "UserWarning: careful" in texts
    assert any(s[4] > 1000 for s in warm_seen), "the figure is shown"


def test_a_warm_kernel_that_times_out_is_killed(tmp_path, monkeypatch, warm):
    import os
    import time

    nb = _probe_notebook()
    nb.cells = [nbformat.v4.new_code_cell("import os\nprint(os.getpid(), flush=True)\n"
                                          "while True:\n    pass")]
    from nbclient.exceptions import CellTimeoutError

    with pytest.raises(CellTimeoutError):
        _execute(nb, tmp_path, monkeypatch, timeout=3)
    pid = int(nb.cells[0].outputs[0]["text"].split()[0])
    for _ in range(50):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    else:
        pytest.fail(f"the warm kernel {pid} outlived its timeout")


def test_a_chapter_comes_out_the_same_from_a_warm_kernel(tmp_path, monkeypatch, warm):
    for rel in ("chapters/03_activation_functions.ipynb", "exercises/01_ai_ml_dl.ipynb"):
        source = ROOT / rel
        before = sorted(p.name for p in source.parent.iterdir())
        warm_nb = _execute(nbformat.read(str(source), as_version=4), source.parent, monkeypatch)
        with monkeypatch.context() as m:
            m.delenv("DLCOURSE_WARM_KERNEL")
            fresh_nb = _execute(nbformat.read(str(source), as_version=4), source.parent, m)
        assert _shown(warm_nb) == _shown(fresh_nb), rel
        assert not any(s[0] == "error" for s in _shown(warm_nb)), rel
        # nothing left in the repository's folder (kernel sockets there broke a test that
        # copied exercises/ at the same time)
        assert sorted(p.name for p in source.parent.iterdir()) == before, rel


def test_warm_kernels_only_when_the_notebooks_outnumber_the_cores(tmp_path, monkeypatch):
    """Two notebooks, one at a time: both in warm kernels (PyTorch already loaded). One notebook
    per core: a fresh kernel, since waiting for the warm process would gain nothing."""
    cache = _project(tmp_path, ["import sys\nprint('torch' in sys.modules)"])
    nb = nbformat.read(str(tmp_path / "page.ipynb"), as_version=4)
    nb.cells[0].source += "  # the other one"   # not the same code: not the same cache record
    nbformat.write(nb, str(tmp_path / "other.ipynb"))
    (tmp_path / "_toc.yml").write_text(yaml.safe_dump(
        {"format": "jb-book", "root": "page", "chapters": [{"file": "other"}]}))
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DLCOURSE_WARM_KERNEL", raising=False)
    monkeypatch.setenv("DLCOURSE_BOOK_JOBS", "1")
    assert _main(monkeypatch) == 0
    from jupyter_cache import get_cache

    seen = sorted("".join(o.get("text", "")) for r in get_cache(str(cache)).list_cache_records()
                  for c in get_cache(str(cache)).get_cache_bundle(r.pk).nb.cells
                  for o in c.get("outputs", []))
    assert seen == ["True\n", "True\n"]
    (tmp_path / "one").mkdir()
    cache = _project(tmp_path / "one", ["import sys\nprint('torch' in sys.modules)"])
    monkeypatch.chdir(tmp_path / "one")
    assert _main(monkeypatch) == 0
    assert _outputs(cache) == ["False\n"]
