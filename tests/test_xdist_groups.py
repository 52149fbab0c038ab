"""The suite's two workers share out the work as tools/test.sh intends.

``make test`` runs ``pytest -n 2 --dist loadgroup``: every test marked
``xdist_group("site")`` runs on one worker, so one worker builds the newcomer site while the
other runs the rest of the suite. With pytest 9.2 and pytest-xdist 3.8 the marks are silently
ignored (pytest-dev/pytest-xdist#1386: xdist renames the test's node id, which pytest 9.2 no
longer reads), so both workers waited about six minutes for the one build, and each module's
expensive fixture ran once per worker. constraints.txt keeps a pytest that honours the marks;
this test fails if a version that does not comes back.

Each test that uses a module-scoped fixture of its own module is put in a group of its own
(tests/xdist_fixture_groups.py), so the fixture is set up once per run, not once per worker.
"""
from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent

GROUPED = """
    import pytest

    @pytest.mark.xdist_group("together")
    @pytest.mark.parametrize("i", range(4))
    def test_grouped(i):
        pass

    @pytest.mark.parametrize("i", range(4))
    def test_free(i):
        pass
"""


def test_tests_of_one_group_run_on_one_worker(tmp_path):
    pytest.importorskip("xdist")
    for name in ("test_a.py", "test_b.py"):
        (tmp_path / name).write_text(textwrap.dedent(GROUPED))
    proc = subprocess.run([sys.executable, "-m", "pytest", "-n", "2", "--dist", "loadgroup", "-v",
                           "-p", "no:cacheprovider", "-o", "addopts=", str(tmp_path)],
                          cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    ran = re.findall(r"\[(gw\d)\].*PASSED (\S+)", proc.stdout)
    assert len(ran) == 16, proc.stdout[-3000:]
    workers = {worker for worker, test in ran if "test_grouped" in test}
    assert len(workers) == 1, (
        "tests marked xdist_group('together') ran on workers " + ", ".join(sorted(workers))
        + " (pytest-dev/pytest-xdist#1386: keep pytest<9.2 in constraints.txt)")


MODULE_FIXTURE = """
    import os
    import pytest

    @pytest.fixture(scope="module")
    def expensive():
        with open(os.environ["SETUPS"], "a") as fh:
            fh.write("set up\\n")

    @pytest.mark.parametrize("i", range(8))
    def test_uses_it(expensive, i):
        pass

    @pytest.mark.parametrize("i", range(8))
    def test_does_not(i):
        pass
"""


def _run(folder: Path, setups: Path) -> str:
    proc = subprocess.run([sys.executable, "-m", "pytest", "-n", "2", "--dist", "loadgroup", "-v",
                           "-p", "no:cacheprovider", "-o", "addopts=", str(folder)],
                          cwd=folder, capture_output=True, text=True, timeout=300,
                          env={**__import__("os").environ, "SETUPS": str(setups),
                               "PYTHONPATH": str(TESTS)})
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return proc.stdout


def test_a_module_fixture_is_set_up_once_whatever_the_workers(tmp_path):
    pytest.importorskip("xdist")
    (tmp_path / "test_m.py").write_text(textwrap.dedent(MODULE_FIXTURE))
    (tmp_path / "conftest.py").write_text(
        "from xdist_fixture_groups import pytest_collection_modifyitems  # noqa: F401\n")
    setups = tmp_path / "setups.txt"
    out = _run(tmp_path, setups)
    assert setups.read_text().count("set up") == 1, out[-3000:]
    ran = re.findall(r"PASSED (\S+)", out)
    assert len(ran) == 16 and all(t.endswith("@test_m.expensive") for t in ran if "uses_it" in t)
    assert not any("@" in t for t in ran if "does_not" in t), "the other tests are left free"


def test_modules_with_a_slow_test_come_first_each_kept_together():
    """The modules that start kernels and processes are handed out first, so that the quick
    in-process tests end the run on both workers (tests/xdist_fixture_groups.py). A module
    stays in one piece: split, its module-scoped fixture would be set up twice."""
    from xdist_fixture_groups import pytest_collection_modifyitems

    class Item:
        def __init__(self, nodeid: str, slow: bool = False):
            self.nodeid, self.slow = nodeid, slow

        def get_closest_marker(self, name):
            return object() if name == "slow" and self.slow else None

    items = [Item("tests/test_a.py::one"), Item("tests/test_a.py::two"),
             Item("tests/test_b.py::quick"), Item("tests/test_b.py::kernel", slow=True),
             Item("tests/test_c.py::one"), Item("tests/test_d.py::one", slow=True)]
    pytest_collection_modifyitems(None, items)
    assert [i.nodeid for i in items] == [
        "tests/test_b.py::quick", "tests/test_b.py::kernel", "tests/test_d.py::one",
        "tests/test_a.py::one", "tests/test_a.py::two", "tests/test_c.py::one"]
