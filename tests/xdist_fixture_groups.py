"""Keep the tests that share an expensive module fixture on one pytest-xdist worker.

``make test`` runs two workers with ``--dist loadgroup``. A module-scoped fixture (a batch
grading run of every exercise's answers, a class graded under attack, ...) is set up once per
worker that runs one of its tests: spread over both workers, the 3-minute batch run of
tests/test_exercises.py ran twice. Each test that uses a module-scoped fixture of its own module
gets the group ``<module>.<fixture>``, unless it already has a group (``site``). Imported by
tests/conftest.py, which is what registers the hook.
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
