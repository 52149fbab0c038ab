"""Calling an answer: the one piece of code that both ``check()`` and the batch grader run.

:func:`call_answer` calls a learner's answer on every case under the exercise's limits (CPU
time, with a generous wall-clock backstop), watches what it calls while it runs (a
``sys.setprofile`` hook: any call into the course's own ``dlcourse`` code or into one of the
exercise's ``forbidden`` objects is reuse), and encodes each output as plain data (strictly:
a torch tensor where NumPy is asked is refused). ``check()`` calls it in the learner's kernel
on the imported module; the batch grader executes this file's *source text* inside the
learner's kernel, in a private namespace, after the learner's own cells (:func:`harvest_one`),
so nothing the learner did to ``dlcourse`` there changes it. Either way the outputs go through
the same JSON encoding, and the verdict is made by :mod:`dlcourse.grading.judge` (in the
grader's own process for the batch grader, from the strictly decoded JSON: no pickle, only
numbers, strings, arrays of numbers, lists, tuples, dicts).

This file is deliberately self-contained (standard library and NumPy only), and over the
usual 300 lines for that reason: the batch grader executes its source text as one unit inside
the learner's kernel, so the codec and the call cannot live in separate modules there.

Encoding: JSON, where an array is ``{"__nd__": [dtype, shape, base64 bytes]}``, a tuple is
``{"__tuple__": [...]}`` and a dict is ``{"__dict__": [[key, value], ...]}`` (keys keep their
type). Floats may be NaN or infinite (JSON's ``NaN``/``Infinity`` extension).
"""
from __future__ import annotations

import base64
import json
import math
import os
import sys
import time

import numpy as np

_ALLOWED_DTYPES = {"|b1", "|i1", "<i2", "<i4", "<i8", "|u1", "<u2", "<u4", "<u8", "<f2", "<f4", "<f8"}
MAX_ARRAY_BYTES = 16 << 20
MAX_DEPTH = 8
#: The wall-clock backstop of a CPU-time limit: a loaded machine gives a process a fraction of
#: a core, so the backstop is generous; it catches answers that wait (sleep) rather than compute.
WALL_FACTOR = 10.0
WALL_SLACK = 2.0


class EncodeError(TypeError):
    """A value that is not plain data."""


def wall_limit(cpu_seconds):
    """The wall-clock backstop (seconds) of a CPU-time limit."""
    return WALL_FACTOR * float(cpu_seconds) + WALL_SLACK


def encode(value, _depth=0, numpy_only=False):
    """Plain data -> JSON-ready structure. NumPy scalars are accepted; torch tensors too, unless
    ``numpy_only`` (then a tensor raises :class:`EncodeError` with a message for the learner)."""
    if _depth > MAX_DEPTH:
        raise EncodeError(f"the answer is nested more than {MAX_DEPTH} levels deep")
    if value is None or type(value) in (bool, str):
        return value
    if type(value) is int:
        return value
    if type(value) is float:
        return value
    if isinstance(value, np.generic) and type(value).__module__ == "numpy":
        if value.dtype.kind not in "biuf":
            raise EncodeError(f"expected a number; got a NumPy {value.dtype}")
        return encode(value.item(), _depth + 1)
    if type(value).__name__ == "Tensor" and type(value).__module__.startswith("torch"):
        if numpy_only:
            raise EncodeError("it is a torch tensor, and this exercise asks for NumPy: "
                              "compute with NumPy arrays")
        value = value.detach().cpu().numpy()
    if isinstance(value, np.ndarray):
        arr = np.array(np.asarray(value).view(np.ndarray), copy=True, order="C")
        if arr.dtype.kind not in "biuf":
            raise EncodeError(f"expected an array of numbers; got an array of dtype {arr.dtype}")
        arr = arr.astype(arr.dtype.newbyteorder("<"), copy=False)
        if arr.nbytes > MAX_ARRAY_BYTES:
            raise EncodeError(f"the array is too large ({arr.nbytes} bytes)")
        return {"__nd__": [arr.dtype.str, list(arr.shape), base64.b64encode(arr.tobytes()).decode("ascii")]}
    if type(value) is list:
        return [encode(v, _depth + 1, numpy_only) for v in value]
    if type(value) is tuple:
        return {"__tuple__": [encode(v, _depth + 1, numpy_only) for v in value]}
    if type(value) is dict:
        items = []
        for k, v in value.items():
            if type(k) not in (str, int):
                raise EncodeError("expected a dict with string or integer keys")
            items.append([k, encode(v, _depth + 1, numpy_only)])
        return {"__dict__": items}
    raise EncodeError(
        "expected a NumPy array, a number, a string, or a list/tuple/dict of those; got an "
        f"object of type {type(value).__module__}.{type(value).__qualname__}"
    )


def decode(obj, _depth=0):
    """The inverse of :func:`encode`, strict: anything unexpected raises ``ValueError``."""
    if _depth > MAX_DEPTH + 1:
        raise ValueError("nested too deeply")
    if obj is None or type(obj) in (bool, str, int):
        return obj
    if type(obj) is float:
        return obj
    if type(obj) is list:
        return [decode(v, _depth + 1) for v in obj]
    if type(obj) is dict and len(obj) == 1:
        (tag, body), = obj.items()
        if tag == "__tuple__" and type(body) is list:
            return tuple(decode(v, _depth + 1) for v in body)
        if tag == "__dict__" and type(body) is list:
            out = {}
            for item in body:
                if type(item) is not list or len(item) != 2 or type(item[0]) not in (str, int):
                    raise ValueError("bad dict entry")
                out[item[0]] = decode(item[1], _depth + 1)
            return out
        if tag == "__nd__" and type(body) is list and len(body) == 3:
            dtype, shape, data = body
            if dtype not in _ALLOWED_DTYPES:
                raise ValueError(f"array dtype {dtype!r} is not allowed")
            if type(shape) is not list or not all(type(s) is int and 0 <= s for s in shape) or len(shape) > 8:
                raise ValueError("bad array shape")
            if type(data) is not str or len(data) > MAX_ARRAY_BYTES * 4 // 3 + 8:
                raise ValueError("bad array data")
            raw = base64.b64decode(data.encode("ascii"), validate=True)
            dt = np.dtype(dtype)
            if len(raw) != math.prod(shape) * dt.itemsize:
                raise ValueError("array data does not match its shape")
            arr = np.frombuffer(raw, dtype=dt).reshape(shape).astype(dt.newbyteorder("="))
            return np.array(arr, copy=True)
    raise ValueError(f"unexpected value of type {type(obj).__name__}")


# --------------------------------------------------------------------------- calling an answer
class _Timeout(BaseException):
    """Raised by the timers inside an answer that runs past its limit."""


def _learner_line(tb):
    import linecache
    import traceback

    best = None
    for frame, lineno in traceback.walk_tb(tb):
        fname = frame.f_code.co_filename
        if ("site-packages" in fname or fname.startswith(sys.prefix) or fname.startswith("<frozen")
                or fname == _SELF or "/dlcourse/" in fname):
            continue
        best = (fname, lineno, frame.f_code.co_name)
    if best is None:
        return ""
    code = linecache.getline(best[0], best[1]).strip()
    where = f"in {best[2]}, line {best[1]}" if best[2] != "<module>" else f"line {best[1]}"
    return f" ({where}: {code})" if code else f" ({where})"


def _describe(exc):
    msg = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    text = f"{type(exc).__name__}: {msg}" if msg else type(exc).__name__
    if len(text) > 300:
        text = text[:297] + "..."
    return text + _learner_line(exc.__traceback__)[:200]


def _resolve(name):
    """The object a dotted name refers to, only if its top package is already imported."""
    parts = name.split(".")
    if parts[0] not in sys.modules:
        return None
    for i in range(len(parts) - 1, 0, -1):
        obj = sys.modules.get(".".join(parts[:i]))
        if obj is None:
            continue
        try:
            for p in parts[i:]:
                obj = getattr(obj, p)
        except Exception:
            return None
        return obj
    return None


def _codes_of(obj):
    """The Python code objects that running ``obj`` (a function or a class) executes first."""
    import types

    fn = getattr(obj, "__func__", obj)
    if isinstance(fn, types.FunctionType):
        return [fn.__code__]
    if isinstance(obj, type):
        return [v.__code__ for v in vars(obj).values() if isinstance(v, types.FunctionType)]
    return []


def _static_calls(answer, objs):
    """Names in the answer's code that refer to one of ``objs`` (for C callables such as NumPy
    ufuncs, which ``sys.setprofile`` does not report): ``f(...)`` or ``module.f(...)``."""
    import types

    func = getattr(answer, "__func__", answer)
    code, glb = getattr(func, "__code__", None), getattr(func, "__globals__", None)
    if not isinstance(code, types.CodeType) or not isinstance(glb, dict):
        return ""
    stack, names = [code], set()
    while stack:
        c = stack.pop()
        names.update(c.co_names)
        stack.extend(k for k in c.co_consts if isinstance(k, types.CodeType))
    for n in names:
        g = glb.get(n)
        for name, obj in objs:
            if g is obj:
                return name
        if isinstance(g, types.ModuleType):
            for a in names:
                got = getattr(g, a, None)
                for name, obj in objs:
                    if got is obj:
                        return name
    return ""


class _Watch:
    """What the answer calls while it runs: the course's own code, or a forbidden object."""

    def __init__(self, forbidden, course_dir):
        self.course_dir = course_dir or ""
        self.codes, self.cfuncs, self.static = {}, {}, []
        for name in forbidden:
            obj = _resolve(name)
            if obj is None:
                continue
            codes = _codes_of(obj)
            for c in codes:
                self.codes[c] = name
            if not codes:
                self.cfuncs[id(obj)] = (name, obj)
                if not isinstance(obj, type(len)):  # a ufunc, say: no c_call event to see
                    self.static.append((name, obj))
        for f in (sys.setprofile, sys.settrace):
            self.cfuncs[id(f)] = ("sys." + f.__name__, f)
        self.found = ""

    def _course(self, frame):
        code = frame.f_code
        fn = code.co_filename
        if fn == _SELF:
            return ""
        mod = frame.f_globals.get("__name__", "")
        mod = mod if isinstance(mod, str) else ""
        if (self.course_dir and fn.startswith(self.course_dir)) or mod.split(".")[0] == "dlcourse":
            return mod or fn if code.co_name == "<module>" else f"{mod or fn}.{code.co_name}"
        return ""

    def hook(self, frame, event, arg):
        if self.found:
            return
        if event == "call":
            name = self.codes.get(frame.f_code) or self._course(frame)
            if name:
                self.found = name
        elif event == "c_call" and frame.f_code.co_filename != _SELF:
            hit = self.cfuncs.get(id(arg))
            if hit is not None and hit[1] is arg:
                self.found = hit[0]


def _identity(answer, forbidden, course_dir):
    """The answer object itself is the course's code or a forbidden object: its name, or ''."""
    for name in forbidden:
        obj = _resolve(name)
        if obj is not None and obj is answer:
            return name
    func = getattr(answer, "__func__", answer)
    mod = getattr(func, "__module__", "")
    if isinstance(mod, str) and mod.split(".")[0] == "dlcourse":
        return f"{mod}.{getattr(func, '__name__', '?')}"
    fn = getattr(getattr(func, "__code__", None), "co_filename", "")
    if course_dir and isinstance(fn, str) and fn.startswith(course_dir) and fn != _SELF:
        return f"{fn}.{getattr(func, '__name__', '?')}"
    return ""


def call_answer(answer, cases, spec):
    """Call ``answer`` on every ``(args, kwargs)`` of ``cases`` (fresh copies, owned here).

    ``spec``: ``kind``, ``name``, ``forbidden``, ``time_limit`` (CPU seconds for all cases
    together), ``warnings_fail``, ``numpy_only``, ``course_dir`` (the ``dlcourse`` folder).
    Returns the payload the judge reads: ``status`` (``ok`` or ``not_callable``), ``reuse``
    (what course code the answer is or called, or ''), ``outcomes`` (one per case:
    ``{"value": encoded, "warnings": [...]}``, ``{"error": text}``, ``{"not_implemented":
    True}`` or ``{"timeout": True}``), ``cpu`` and ``wall`` (seconds used).

    (Over 60 lines on purpose: the two timers, the profile hook and the per-case handling are
    armed and disarmed in this one frame, so that its ``finally`` always restores them.)
    """
    import signal
    import threading
    import time
    import warnings

    name, numpy_only = spec["name"], bool(spec.get("numpy_only", True))
    if spec["kind"] == "value":
        try:
            return {"status": "ok", "reuse": "", "outcomes": [{"value": encode(answer, 0, numpy_only)}]}
        except Exception as exc:
            return {"status": "ok", "reuse": "",
                    "outcomes": [{"error": f"`{name}` is not plain data: {exc}"[:400]}]}
    if not callable(answer):
        return {"status": "not_callable", "type": type(answer).__name__[:40]}
    forbidden, course_dir = list(spec.get("forbidden", [])), spec.get("course_dir", "")
    reuse = _identity(answer, forbidden, course_dir)
    if reuse:
        return {"status": "ok", "reuse": reuse, "reuse_how": "is", "outcomes": []}
    watch = _Watch(forbidden, course_dir)
    reuse = _static_calls(answer, watch.static)
    if reuse:
        return {"status": "ok", "reuse": reuse, "reuse_how": "calls", "outcomes": []}
    limit = float(spec["time_limit"])
    armed, fired = [False], [False]

    def _expire(signum, frame):
        if armed[0]:
            armed[0], fired[0] = False, True
            raise _Timeout()

    timers = threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer")
    outcomes = []
    t_cpu, t_wall = time.process_time(), time.monotonic()
    if timers:
        old = (signal.signal(signal.SIGPROF, _expire), signal.signal(signal.SIGALRM, _expire))
    old_profile = sys.getprofile()
    try:
        if timers:
            armed[0] = True
            signal.setitimer(signal.ITIMER_PROF, limit)
            signal.setitimer(signal.ITIMER_REAL, wall_limit(limit))
        for args, kwargs in cases:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                sys.setprofile(watch.hook)
                try:
                    if spec.get("warnings_fail"):
                        with np.errstate(over="warn", divide="warn", invalid="warn", under="ignore"):
                            out = answer(*args, **kwargs)
                    else:
                        out = answer(*args, **kwargs)
                except _Timeout:
                    raise
                except NotImplementedError:
                    sys.setprofile(old_profile)
                    outcomes.append({"not_implemented": True})
                    break
                except BaseException as exc:  # the learner's bug; KeyboardInterrupt included
                    sys.setprofile(old_profile)
                    if fired[0]:  # the answer swallowed the time-out: it stays a time-out
                        raise _Timeout() from None
                    outcomes.append({"error": _describe(exc)})
                    continue
                finally:
                    sys.setprofile(old_profile)
            if watch.found:
                break
            if fired[0]:
                raise _Timeout()
            try:
                enc = encode(out, 0, numpy_only)
            except _Timeout:
                raise
            except BaseException as exc:
                outcomes.append({"error": f"`{name}` returned something that is not plain data: "
                                          f"{exc}"[:400]})
                continue
            warns = []
            for w in caught:
                try:
                    if issubclass(w.category, RuntimeWarning):
                        warns.append(f"{w.category.__name__}: {w.message}"[:200])
                except Exception:
                    pass
            outcomes.append({"value": enc, "warnings": warns[:3]})
    except _Timeout:
        outcomes.append({"timeout": True})
    finally:
        armed[0] = False
        sys.setprofile(old_profile)
        if timers:
            signal.setitimer(signal.ITIMER_PROF, 0)
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGPROF, old[0])
            signal.signal(signal.SIGALRM, old[1])
    while outcomes and outcomes[-1].get("timeout") and len(outcomes) < len(cases):
        outcomes.append({"timeout": True})
    return {"status": "ok", "reuse": watch.found, "reuse_how": "calls", "outcomes": outcomes,
            "cpu": round(time.process_time() - t_cpu, 3), "wall": round(time.monotonic() - t_wall, 3)}


_SELF = call_answer.__code__.co_filename


# --------------------------------------------------------------------------- in the kernel
def _write(path, payload):
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(payload, fh)
    os.replace(tmp, path)


def harvest_one(user_ns, inputs_path, index, out_path, nonce):
    """Batch grader, inside the learner's kernel: call exercise ``index`` of the inputs file on
    the learner's answer (:func:`call_answer`) and write the payload as JSON to ``out_path``."""
    import difflib

    with open(inputs_path, encoding="utf-8") as fh:
        spec = json.load(fh)[index]
    name = spec["name"]
    if name not in user_ns:
        names = [n for n in user_ns if isinstance(n, str) and not n.startswith("_")]
        payload = {"status": "missing", "similar": difflib.get_close_matches(name, names, n=3, cutoff=0.6)}
    else:
        cases = [(decode(a), decode(k)) for a, k in spec["cases"]]
        payload = call_answer(user_ns[name], cases, spec)
    payload.update({"nonce": nonce, "id": spec["id"]})
    _write(out_path, payload)
