"""dlcourse: the small helper package of the open deep-learning course.

``import dlcourse as dl`` gives every helper by its qualified name: ``dl.functional.sigmoid``,
``dl.nn.Linear``, ``dl.optim.Adam``, ``dl.data.load_digits``, ``dl.plot``,
``dl.grading.check``. The NumPy pieces mirror PyTorch's names, shapes and defaults, so each can
be checked against torch on the same numbers.

The submodules are imported on first use (PEP 562): ``import dlcourse`` itself is cheap, and
``dl.plot`` loads matplotlib, ``dl.widgets`` ipywidgets and ``dl.grading`` the grader only when a
notebook first touches them. Every notebook and every graded submission pays for the import.
"""
from __future__ import annotations

import importlib

__version__ = "0.1.0"
__all__ = ["data", "functional", "gradcheck", "grading", "nn", "optim", "plot", "widgets"]
# Also reachable as attributes, though not listed in __all__ (a star import leaves them out).
_SUBMODULES = frozenset(__all__) | {"perceptron", "regularize"}


def __getattr__(name: str):
    if name in _SUBMODULES:
        module = importlib.import_module(f"{__name__}.{name}")
        globals()[name] = module  # later look-ups find it without coming here
        return module
    raise AttributeError(f"module 'dlcourse' has no attribute {name!r}; "
                         f"its parts are {', '.join(__all__)}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | _SUBMODULES)
