"""Launch buttons that work: the Colab set-up cell in every notebook, and Binder's environment.

The Colab and Binder buttons of every notebook page open the notebook from the repository named
in ``_config.yml``. On Colab the notebook's first code cell installs ``dlcourse`` from that same
repository (``tools/colab_cell.py`` writes it); elsewhere it does nothing. Binder builds its
environment from ``requirements.txt`` and ``runtime.txt`` at the repository root.
"""
from __future__ import annotations

import re
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
