"""Launch buttons that work: the Colab set-up cell in every notebook, and Binder's environment.

The Colab and Binder buttons of every notebook page open the notebook from the repository named
in ``_config.yml``. On Colab the notebook's first code cell installs ``dlcourse`` from that same
repository (``tools/colab_cell.py`` writes it); elsewhere it does nothing. The cell is tagged
``remove-cell``: it stays in the notebook (Colab, Binder, Jupyter run it) but MyST-NB leaves it
off the website, where it was the first thing a reader saw on every page. Binder builds its
environment from ``requirements.txt`` and ``runtime.txt`` at the repository root.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
import types
from pathlib import Path

import nbformat
import pytest
import yaml

from conftest import load_tool

ROOT = Path(__file__).resolve().parent.parent
cc = load_tool("colab_cell")

NOTEBOOKS = cc.notebooks()


def test_the_repository_is_named_once_in_the_config():
    url, branch = cc.repository()
    assert url.startswith("https://github.com/") and branch


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_first_code_cell_installs_dlcourse_on_colab(path):
    nb = nbformat.read(str(path), as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    colab = [c for c in code if cc.is_colab_cell(c)]
    assert len(colab) == 1 and code[0] is colab[0], (
        f"{path.name}: the Colab cell must be the first code cell, once; run python tools/colab_cell.py")
    assert code[0].source == cc.cell_source(*cc.repository()), (
        f"{path.name}: the Colab cell does not match _config.yml; run python tools/colab_cell.py")
    assert "import dlcourse" in code[1].source or "from dlcourse" in code[1].source


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_the_colab_cell_is_hidden_on_the_website(path):
    nb = nbformat.read(str(path), as_version=4)
    colab = [c for c in nb.cells if cc.is_colab_cell(c)]
    assert colab and cc.HIDE in colab[0].metadata.get("tags", []), (
        f"{path.name}: the Colab cell must be tagged {cc.HIDE!r} (the website leaves it off); "
        "run python tools/colab_cell.py")


def _run_cell(monkeypatch, on_colab: bool) -> list:
    calls = []
    monkeypatch.setattr(subprocess, "run", lambda *a, **k: calls.append((a, k)))
    if on_colab:
        monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
    else:
        monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    exec(cc.cell_source(*cc.repository()), {})
    return calls


def test_the_cell_does_nothing_off_colab(monkeypatch):
    assert _run_cell(monkeypatch, on_colab=False) == []


def test_the_cell_pip_installs_the_course_repository_on_colab(monkeypatch):
    calls = _run_cell(monkeypatch, on_colab=True)
    assert len(calls) == 1
    (cmd,), kwargs = calls[0]
    url, branch = cc.repository()
    assert cmd[:4] == [sys.executable, "-m", "pip", "install"]
    assert cmd[-1] == f"dlcourse @ git+{url}@{branch}"
    assert kwargs == {"check": True}


def test_sync_inserts_a_missing_cell_and_replaces_a_stale_one():
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# T"), nbformat.v4.new_code_cell("import dlcourse")]
    assert cc.sync(nb, "NEW") is True
    assert [c.source for c in nb.cells] == ["# T", "NEW", "import dlcourse"]
    assert cc.sync(nb, "NEW") is False
    nb.cells.insert(0, nb.cells.pop(1))  # moved above the title: put back, not duplicated
    assert cc.sync(nb, "NEWER") is True
    assert [c.source for c in nb.cells] == ["# T", "NEWER", "import dlcourse"]
    assert nb.cells[1].metadata["tags"] == ["remove-cell"]


def test_sync_hides_a_visible_cell_and_keeps_its_other_tags():
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("SRC", metadata={"dlcourse": {cc.MARK: True},
                                                           "tags": ["keep-me"]}),
                nbformat.v4.new_code_cell("import dlcourse")]
    assert cc.sync(nb, "SRC") is True  # same source, but shown on the website: changed
    assert nb.cells[0].metadata["tags"] == ["keep-me", "remove-cell"]
    assert nb.cells[0].source == "SRC" and len(nb.cells) == 2
    assert cc.sync(nb, "SRC") is False


def _course_copy(tmp_path: Path) -> Path:
    """A throw-away course folder: _config.yml and two notebooks of this course."""
    (tmp_path / "chapters").mkdir()
    shutil.copy(ROOT / "_config.yml", tmp_path / "_config.yml")
    for path in NOTEBOOKS[:2]:
        shutil.copy(path, tmp_path / "chapters" / path.name)
    return tmp_path


def test_the_tool_rewrites_only_notebooks_whose_cell_changes(tmp_path):
    root = _course_copy(tmp_path)
    a, b = sorted((root / "chapters").glob("*.ipynb"))
    # a: no Colab cell at all; b: up to date. Only a is written, and only its cell changes.
    nb = nbformat.read(str(a), as_version=4)
    nb.cells = [c for c in nb.cells if not cc.is_colab_cell(c)]
    nbformat.write(nb, str(a))
    nb = nbformat.read(str(b), as_version=4)
    cc.sync(nb, cc.cell_source(*cc.repository(root)))  # up to date, whatever it was
    nbformat.write(nb, str(b))
    b_bytes, b_mtime = b.read_bytes(), b.stat().st_mtime_ns
    a_before = a.read_text(encoding="utf-8")
    assert cc.main(["--check"], root=root) == 1
    assert a.read_text(encoding="utf-8") == a_before, "--check must not write"
    assert cc.main([], root=root) == 0
    assert b.read_bytes() == b_bytes and b.stat().st_mtime_ns == b_mtime, (
        "a notebook whose cell is up to date must not be written")
    after = nbformat.read(str(a), as_version=4)
    before = nbformat.reads(a_before, as_version=4)
    assert [c for c in after.cells if not cc.is_colab_cell(c)] == before.cells
    a_bytes, a_mtime = a.read_bytes(), a.stat().st_mtime_ns
    assert cc.main(["--check"], root=root) == 0
    assert cc.main([], root=root) == 0
    assert a.read_bytes() == a_bytes and a.stat().st_mtime_ns == a_mtime


@pytest.mark.slow
@pytest.mark.xdist_group("site")
def test_the_colab_cell_is_absent_from_the_built_pages(site):
    """On the website the page starts with the chapter, not with a pip install for Colab."""
    shown = [p.relative_to(site).as_posix() for d in cc.NOTEBOOK_DIRS
             for p in sorted((site / d).glob("*.html"))
             if "google.colab" in p.read_text(encoding="utf-8")]
    assert not shown, f"pages that still show the Colab set-up cell: {shown}"


def test_binder_installs_the_course_with_a_cpu_torch():
    lines = [l.strip() for l in (ROOT / "requirements.txt").read_text().splitlines()
             if l.strip() and not l.startswith("#")]
    assert "." in lines, "requirements.txt must install the course package itself ('.')"
    pins = dict(l.split("==") for l in (ROOT / "constraints.txt").read_text().splitlines()
                if "==" in l and not l.startswith("#"))
    assert f"torch=={pins['torch']}" in lines, "requirements.txt must pin the tested torch"
    assert any("download.pytorch.org/whl/cpu" in l for l in lines), "torch must come from the CPU index"
    assert re.fullmatch(r"python-3\.1[0-9]", (ROOT / "runtime.txt").read_text().strip())


def test_launch_buttons_are_configured():
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    launch = config["launch_buttons"]
    assert launch["binderhub_url"] == "https://mybinder.org"
    assert launch["colab_url"] == "https://colab.research.google.com"
    assert config["html"]["use_repository_button"]
