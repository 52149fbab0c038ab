"""Shared fixtures: small notebooks and solutions for the grading tests, and the built website."""
from __future__ import annotations

import importlib
import importlib.util
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from xdist_fixture_groups import pytest_collection_modifyitems  # noqa: F401  (a hook)

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


def load_tool(name: str):
    """A script of ``tools/`` (``make_glossary``, ``colab_cell``) imported as a module."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load_solutions(chapter: str):
    """The chapter's exercise module ``dlcourse.grading.chNN``, whose ``SOLUTIONS`` and ``WRONG``
    are the proof of its exercises, or None for a chapter without exercises."""
    try:
        return importlib.import_module(f"dlcourse.grading.ch{chapter}")
    except ModuleNotFoundError:
        return None


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


# --- the built website, as a newcomer builds it ----------------------------------------------
ARTIFACTS = ROOT / "test-artifacts"


def newcomer_checkout(dest: Path) -> Path:
    """Clone the repository into ``dest``, as a newcomer would.

    Only what git tracks comes along, so a file that was never committed, or a step that only
    works on the developer's machine, fails here as it would for a newcomer. Edits to tracked
    files that are not committed yet are applied on top (``git diff HEAD``), so a developer
    tests what they are about to commit; new files must be ``git add``-ed first.
    """
    subprocess.run(["git", "clone", "--quiet", "--no-hardlinks", str(ROOT), str(dest)], check=True)
    diff = subprocess.run(["git", "diff", "HEAD", "--binary"], cwd=ROOT, capture_output=True,
                          check=True).stdout
    if diff:
        subprocess.run(["git", "apply", "--whitespace=nowarn"], cwd=dest, input=diff, check=True)
    return dest


def _session_dir(tmp_path_factory) -> Path:
    """A folder shared by every worker of this test run (pytest-xdist or not)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def _build_newcomer_site(folder: Path) -> dict:
    """Clone into ``folder/course`` and run ``make book -W`` there; what happened, as a dict."""
    clone = newcomer_checkout(folder / "course")
    env = {k: v for k, v in os.environ.items()
           if k not in ("VIRTUAL_ENV", "DLCOURSE_VENV", "PYTHONPATH", "PYTEST_XDIST_WORKER")}
    if sys.prefix != sys.base_prefix and not os.environ.get("DLCOURSE_NEWCOMER_OWN_VENV"):
        # The environment of this test run, which tools/test.sh just set up with the same
        # tools/venv.sh from the same pyproject.toml and constraints.txt (on CI: in a fresh
        # checkout, from nothing), so the clone's venv.sh finds its stamp current and installs
        # nothing. A second install of the same packages tested nothing new and cost minutes.
        # PYTHONPATH puts the clone's own dlcourse and book_ext first: the build, its tools and
        # its kernels import the clone's code, not this checkout's editable install.
        env["DLCOURSE_VENV"] = sys.prefix
        env["PYTHONPATH"] = os.pathsep.join([str(clone), str(clone / "book_ext")])
    start = time.perf_counter()
    try:
        proc = subprocess.run(["make", "book", "BOOKFLAGS=-W --keep-going"], cwd=clone, env=env,
                              capture_output=True, text=True, timeout=3000)
        code, out, err = proc.returncode, proc.stdout, proc.stderr
    except subprocess.TimeoutExpired as exc:
        code, out, err = -1, str(exc.stdout or ""), f"{exc.stderr or ''}\n{exc}"
    seconds = time.perf_counter() - start
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "newcomer-build.log").write_text(out + err, encoding="utf-8")
    (ARTIFACTS / "newcomer-build-seconds.txt").write_text(f"{seconds:.1f}\n")
    return {"clone": str(clone), "returncode": code, "seconds": seconds,
            "stdout": out, "log": out + err, "pythonpath": env.get("PYTHONPATH", "")}


@pytest.fixture(scope="session")
def newcomer_build(tmp_path_factory) -> dict:
    """The README's build command, ``make book -W``, run once per test run in a fresh clone.

    This test run's virtual environment (``DLCOURSE_NEWCOMER_OWN_VENV=1``: a ``.venv`` of its
    own, installed from nothing), its own npm download, an empty execution cache, warnings as
    errors. Built once for the whole run, however many pytest-xdist workers there are: the
    first worker to get the lock builds, in a folder of the run's shared temporary directory, and writes what
    happened to ``newcomer.json``; the others wait on the lock and read it. A failed build is
    not retried: every test that needs it sees the same failure. Keys: ``clone`` (its root),
    ``returncode``, ``seconds``, ``stdout``, ``log`` (also in ``test-artifacts/``),
    ``pythonpath`` (what the build ran with).
    """
    import fcntl

    shared = _session_dir(tmp_path_factory)
    result = shared / "newcomer.json"
    with open(shared / "newcomer.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)   # released when the file closes
        if not result.exists():
            folder = shared / "newcomer"
            folder.mkdir(exist_ok=True)
            tmp = result.with_suffix(".tmp")
            tmp.write_text(json.dumps(_build_newcomer_site(folder)), encoding="utf-8")
            tmp.replace(result)
    return json.loads(result.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def site(request) -> Path:
    """The built website (its ``_build/html`` folder), from the newcomer build above.

    ``DLCOURSE_SITE=path/to/_build/html`` reuses a site built before (for quick runs of the
    site and browser tests; the newcomer build is then skipped).
    """
    reuse = os.environ.get("DLCOURSE_SITE")
    if reuse:
        return Path(reuse).resolve()
    build = request.getfixturevalue("newcomer_build")
    assert build["returncode"] == 0, ("`make book` in a fresh clone failed or warned "
                                      "(whole log: test-artifacts/newcomer-build.log):\n"
                                      f"{build['log'][-6000:]}")
    html = Path(build["clone"]) / "_build" / "html"
    assert f"The book is in {html}" in build["stdout"], "make book did not say where the site is"
    return html


def pytest_terminal_summary(terminalreporter):
    """Say where the browser tests' screenshots are, so a person can look at the pages."""
    shots = ARTIFACTS / "screenshots"
    if shots.is_dir() and any(shots.glob("*.png")):
        terminalreporter.write_sep("-", "screenshots of the website")
        terminalreporter.write_line(f"{len(list(shots.glob('*.png')))} pages: {shots}")
        log = ARTIFACTS / "newcomer-build.log"
        if log.exists():
            terminalreporter.write_line(f"the newcomer build's log: {log}")
