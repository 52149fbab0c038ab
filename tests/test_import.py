"""``import dlcourse`` stays light: every notebook and every graded submission starts with it.

The submodules are loaded on first use (PEP 562 ``__getattr__`` in ``dlcourse/__init__.py``), so
the import itself brings in NumPy and nothing heavy. What is checked is *what* gets imported, in a
fresh interpreter, never how long it takes (timings live in ``make bench``).
"""
import json
import subprocess
import sys

import pytest

HEAVY = ("dlcourse.grading", "matplotlib", "ipywidgets", "tqdm", "sklearn", "torch",
         "dlcourse.plot", "dlcourse.widgets")


def fresh(code: str) -> dict:
    """Run ``code`` in a new interpreter; it prints a JSON object, which is returned."""
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_import_dlcourse_loads_nothing_heavy():
    got = fresh("import sys, json, dlcourse\n"
                f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))")
    assert got == [], f"`import dlcourse` imported {got}; load them on first use instead"


@pytest.mark.parametrize("name", ["data", "functional", "gradcheck", "grading", "nn", "optim",
                                  "plot", "widgets"])
def test_each_submodule_is_there_on_first_use(name):
    got = fresh("import json, types, dlcourse as dl\n"
                f"m = getattr(dl, {name!r})\n"
                f"print(json.dumps([isinstance(m, types.ModuleType), m.__name__, "
                f"{name!r} in dir(dl), {name!r} in dl.__all__]))")
    assert got == [True, f"dlcourse.{name}", True, True]


def test_qualified_names_used_in_the_chapters_work():
    got = fresh("import json, dlcourse as dl\n"
                "print(json.dumps([callable(dl.grading.check), callable(dl.plot.animate), "
                "callable(dl.functional.sigmoid), hasattr(dl.nn, 'Linear'), dl.__version__]))")
    assert got == [True, True, True, True, "0.1.0"]


def test_from_imports_and_star_import_work():
    got = fresh("import json\n"
                "from dlcourse import nn, optim\n"
                "from dlcourse.grading import check\n"
                "ns = {}\n"
                "exec('from dlcourse import *', ns)\n"
                "print(json.dumps(sorted(k for k in ns if not k.startswith('__'))))")
    assert got == sorted(["data", "functional", "gradcheck", "grading", "nn", "optim", "plot",
                          "widgets"])


def test_an_unknown_name_says_what_exists():
    got = fresh("import json, dlcourse as dl\n"
                "try:\n"
                "    dl.nope\n"
                "except AttributeError as e:\n"
                "    print(json.dumps(str(e)))")
    assert "nope" in got and "functional" in got
