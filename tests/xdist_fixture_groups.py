"""Keep the tests that share an expensive module fixture on one pytest-xdist worker.

``make test`` runs two workers with ``--dist loadgroup``. A module-scoped fixture (a batch
grading run of every exercise's answers, a class graded under attack, ...) is set up once per
worker that runs one of its tests: spread over both workers, the 3-minute batch run of
tests/test_exercises.py ran twice. Each test that uses a module-scoped fixture of its own module
gets the group ``<module>.<fixture>``, unless it already has a group (``site``). Imported by
tests/conftest.py, which is what registers the hook.

The hook also puts the modules with a ``slow`` test (kernels, notebooks, the book) before the
others, keeping each module's tests together and in their order. pytest-xdist hands out the
tests of no group one by one in the order collected; alphabetical order left the grader's
process tests (test_worker_zygote.py: forks, waits, time-outs) for the end of the run, where
one worker waited on them with a core half idle while the other had nothing left to do. Quick
in-process tests last share out evenly between the two workers.
"""
from __future__ import annotations

import pytest


@pytest.hookimpl(tryfirst=True)   # before pytest-xdist turns the groups into node-id suffixes
def pytest_collection_modifyitems(config, items):
    for item in items:
        if item.get_closest_marker("xdist_group") is not None:
            continue
        info = getattr(item, "_fixtureinfo", None)
        module = getattr(item, "module", None)
        if info is None or module is None:
            continue
        for name in info.names_closure:
            defs = info.name2fixturedefs.get(name) or ()
            if defs and defs[-1].scope == "module" \
                    and getattr(defs[-1].func, "__module__", None) == module.__name__:
                item.add_marker(pytest.mark.xdist_group(f"{module.__name__}.{name}"))
                break
    slow_modules = {item.nodeid.split("::")[0] for item in items
                    if item.get_closest_marker("slow") is not None}
    items.sort(key=lambda item: item.nodeid.split("::")[0] not in slow_modules)  # stable
