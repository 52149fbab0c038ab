r"""How an exercise is described: the data the checker and the batch grader both read.

Every chapter keeps its exercises in one module, ``dlcourse/grading/chNN.py``, which defines
``EXERCISES: list[Exercise]`` and the proof, ``SOLUTIONS`` and ``WRONG`` (see CONTRIBUTING.md).
An exercise names what the learner must define in the notebook (``name``), the inputs it is
tried on (``cases``), how the right answer is computed (``reference``), how close is close
enough, hints for the usual mistakes, and what the notebook shows (``statement``, ``stub``):
``tools/exercise.py`` writes the notebook's cells from it.

Answers cross from the learner's kernel to the grader as *plain data* only (see
:func:`dlcourse.grading.harvest.encode`): NumPy arrays of numbers or booleans, Python numbers, strings, booleans,
``None``, and lists, tuples and string-keyed dicts of those. The grader never unpickles
anything and never calls a method on an object the learner made.

Two kinds of exercise:

* ``kind="function"``: the learner defines a function ``name``; each :class:`Case` is one
  call ``name(*case.args, **case.kwargs)`` and ``reference(*case.args, **case.kwargs)`` gives
  the expected value.
* ``kind="value"``: the learner assigns a variable ``name``. A case with ``key`` set compares
  ``name[key]`` with ``reference()[key]``; a case without compares the whole value.

A custom ``judge(received, expected, case) -> (ok, message)`` replaces the default
comparison (:func:`compare`) when closeness is not the question (for example "is this
random init's standard deviation right?"). Judges run in the grader's own process on plain
data.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

import numpy as np

from ..i18n import _
from .harvest import MAX_DEPTH

__all__ = ["Case", "Hint", "Exercise", "Verdict", "compare", "to_plain", "PlainDataError",
           "digits_to_tell", "number_pair"]


@dataclass(frozen=True)
class Case:
    """One trial of an exercise: the inputs, and a short label shown to the learner."""

    args: tuple = ()
    kwargs: dict = field(default_factory=dict)
    label: str = ""
    key: Any = None  # value exercises: compare name[key]


@dataclass(frozen=True)
class Hint:
    """A hint shown when ``when(received, expected, case)`` is true for a failed case."""

    when: Callable[[Any, Any, Case], bool]
    text: str


@dataclass(frozen=True)
class Exercise:
    """One graded exercise. See the module docstring for the meaning of each field."""

    id: str  # "03.sigmoid": chapter number, a dot, a short slug
    title: str  # "A numerically stable sigmoid"
    name: str  # what the learner defines in the notebook: "sigmoid"
    points: int
    cases: Callable[[], Sequence[Case]]  # seeded; called afresh each time
    reference: Callable[..., Any]  # runs in the grader's process
    kind: str = "function"  # "function" or "value"
    rtol: float = 1e-6
    atol: float = 1e-9
    judge: Callable[[Any, Any, Case], tuple[bool, str]] | None = None
    hints: Sequence[Hint] = ()
    # What the exercise asks, in one line, for the teacher and the docs. It is NOT shown as a
    # hint: a hint appears only when a specific Hint recognised the mistake.
    hint: str = ""
    # Qualified names an answer must not simply re-use (the course's own reference):
    forbidden: Sequence[str] = ()
    warnings_fail: bool = False  # True: a RuntimeWarning (overflow...) fails the case
    # CPU seconds for all cases together, in check() and in the batch grader alike (a
    # wall-clock backstop of harvest.WALL_FACTOR times that, plus harvest.WALL_SLACK, catches
    # answers that wait rather than compute):
    time_limit: float = 5.0
    numpy_only: bool = True  # False: an answer may return torch tensors (turned into arrays)
    # What the notebook shows (tools/exercise.py writes the cells from these): the statement
    # under the heading "## <heading or title> (<points> points)", and the answer cell's stub.
    # Written as triple-quoted blocks: one leading and one trailing newline are dropped.
    statement: str = ""
    stub: str = ""
    heading: str = ""  # the section heading, where it differs from ``title``

    def __post_init__(self) -> None:
        for name in ("statement", "stub"):
            text = getattr(self, name)
            text = text[1:] if text.startswith("\n") else text
            object.__setattr__(self, name, text[:-1] if text.endswith("\n") else text)

    @property
    def chapter(self) -> str:
        return self.id.split(".", 1)[0]


@dataclass
class Verdict:
    """The outcome of one case."""

    ok: bool
    label: str
    message: str = ""
    expected: Any = None
    received: Any = None
    hint: str = ""


class PlainDataError(TypeError):
    """An answer returned something that is not plain data."""


def to_plain(value: Any, _depth: int = 0) -> Any:
    """Turn a reference's output into plain data (arrays, numbers, strings, lists, dicts).

    (Answers are encoded by :func:`dlcourse.grading.harvest.encode`, stricter.) torch tensors are accepted and turned into NumPy arrays; NumPy scalars become Python
    numbers. Anything else raises :class:`PlainDataError` naming the type that came.
    """
    if _depth > MAX_DEPTH:
        raise PlainDataError(f"the answer is nested more than {MAX_DEPTH} levels deep")
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, (int, float)) and type(value) in (int, float, bool):
        return value
    if isinstance(value, np.generic) and type(value).__module__ == "numpy":
        return value.item()
    if type(value) is np.ndarray:
        if value.dtype.kind not in "biuf":
            raise PlainDataError(f"expected an array of numbers; got an array of dtype {value.dtype}")
        return np.array(value, copy=True)
    if type(value).__name__ == "Tensor" and type(value).__module__.startswith("torch"):
        return np.array(value.detach().cpu().numpy(), copy=True)
    if type(value) in (list, tuple):
        return type(value)(to_plain(v, _depth + 1) for v in value)
    if type(value) is dict:
        if not all(isinstance(k, (str, int)) for k in value):
            raise PlainDataError("expected a dict with string or integer keys")
        return {k: to_plain(v, _depth + 1) for k, v in value.items()}
    raise PlainDataError(
        f"expected a NumPy array, a number, a string, or a list/tuple/dict of those; "
        f"got an object of type {type(value).__module__}.{type(value).__qualname__}"
    )


def digits_to_tell(a: Any, b: Any, least: int = 6) -> int:
    """The fewest significant digits (at least ``least``, at most 17) that print two numbers
    differently, so "expected 1.02765e+08, got 1.0276e+08" never reads as equal."""
    try:
        a, b = float(a), float(b)
    except (TypeError, ValueError):
        return least
    for p in range(least, 18):
        if f"{a:.{p}g}" != f"{b:.{p}g}":
            return p
    return least


def number_pair(expected: Any, received: Any) -> tuple[str, str]:
    """Two numbers printed with as many digits as it takes to tell them apart."""
    p = digits_to_tell(expected, received)
    return f"{float(expected):.{p}g}", f"{float(received):.{p}g}"


def _describe(x: Any) -> str:
    if isinstance(x, np.ndarray):
        return f"array of shape {x.shape}, dtype {x.dtype}"
    if not isinstance(x, (list, tuple, dict)):
        return f"{type(x).__name__} {x!r}"
    return _(f"{type(x).__name__} of length {len(x)}")  # _: a text shown (dlcourse/i18n.py)


def compare(received: Any, expected: Any, rtol: float = 1e-6, atol: float = 1e-9) -> tuple[bool, str]:
    """Compare two plain values; return ``(ok, message)``. The message says what differs.

    Arrays must agree in shape and, within ``rtol``/``atol``, in every value (NaN matches
    only NaN). A Python number and a 0-d array compare as numbers. Lists and tuples compare
    element by element; dicts key by key.
    """
    if isinstance(expected, (bool, str)) or expected is None:
        ok = type(received) is type(expected) and received == expected
        return ok, "" if ok else f"expected {expected!r}, got {received!r}"
    if isinstance(expected, (int, float, np.ndarray)):
        if isinstance(received, (list, tuple)) and isinstance(expected, np.ndarray):
            return False, f"expected an {_describe(expected)}; got a {type(received).__name__} (use np.array)"
        if isinstance(received, bool) or not isinstance(received, (int, float, np.ndarray)):
            return False, f"expected {_describe(expected)}; got {_describe(received)}"
        r = np.asarray(received, dtype=float)
        e = np.asarray(expected, dtype=float)
        if r.shape != e.shape:
            return False, f"expected shape {e.shape}; got shape {r.shape}"
        close = np.isclose(r, e, rtol=rtol, atol=atol, equal_nan=True)
        if close.all():
            return True, ""
        idx = tuple(int(i) for i in np.argwhere(~close)[0])
        where = f" at index {idx}" if e.shape else ""
        n_bad = int((~close).sum())
        want, got = number_pair(e[idx], r[idx])
        return False, f"{n_bad} of {close.size} values differ; first{where}: expected {want}, got {got}"
    if isinstance(expected, (list, tuple)):
        if not isinstance(received, (list, tuple)):
            return False, f"expected a {type(expected).__name__} of {len(expected)} items; got {_describe(received)}"
        if len(received) != len(expected):
            return False, f"expected {len(expected)} items; got {len(received)}"
        for i, (r, e) in enumerate(zip(received, expected)):
            ok, msg = compare(r, e, rtol, atol)
            if not ok:
                return False, f"item {i}: {msg}"
        return True, ""
    if isinstance(expected, dict):
        if not isinstance(received, dict):
            return False, f"expected a dict; got {_describe(received)}"
        missing = [k for k in expected if k not in received]
        if missing:
            return False, f"missing key(s): {', '.join(map(repr, missing[:5]))}"
        for k, e in expected.items():
            ok, msg = compare(received[k], e, rtol, atol)
            if not ok:
                return False, f"key {k!r}: {msg}"
        return True, ""
    raise TypeError(f"compare() cannot handle expected values of type {type(expected).__name__}")


def is_finite_number(x: Any) -> bool:
    """True for a finite int or float (handy in judges)."""
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)
