"""Plain-data codec and the harvest step that runs inside a learner's kernel.

This file is deliberately self-contained (standard library and NumPy only). The batch grader
reads its *source text* and executes it inside the learner's kernel, in a private namespace,
after the learner's own cells: nothing the learner did to ``dlcourse`` there changes it. The
harvest only *computes* the learner's outputs on the grader's inputs and writes them as JSON;
the verdict is made later in the grader's own process, which decodes the JSON strictly with
:func:`decode` (no pickle, only numbers, strings, arrays of numbers, lists, tuples, dicts).

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


class EncodeError(TypeError):
    """A value that is not plain data."""


def encode(value, _depth=0):
    """Plain data -> JSON-ready structure. torch tensors and NumPy scalars are accepted."""
    if _depth > MAX_DEPTH:
        raise EncodeError("the answer is nested too deeply")
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
        return [encode(v, _depth + 1) for v in value]
    if type(value) is tuple:
        return {"__tuple__": [encode(v, _depth + 1) for v in value]}
    if type(value) is dict:
        items = []
        for k, v in value.items():
            if type(k) not in (str, int):
                raise EncodeError("expected a dict with string or integer keys")
            items.append([k, encode(v, _depth + 1)])
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


# --------------------------------------------------------------------------- in the kernel
class _HarvestTimeout(BaseException):
    """Raised by the harvest's timer inside an answer that runs too long."""


def _learner_line(tb):
    import linecache
    import traceback

    best = None
    for frame, lineno in traceback.walk_tb(tb):
        fname = frame.f_code.co_filename
        if "site-packages" in fname or fname.startswith(sys.prefix) or fname.startswith("<"):
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
    return text[:300] + _learner_line(exc.__traceback__)[:200]


def _reference_info(answer, forbidden):
    """Facts the grader uses to decide whether an answer is the course's own code."""
    import inspect
    import types

    info = {"module": "", "forbidden_identity": "", "source_mentions": [], "globals": []}
    try:
        mod = getattr(answer, "__module__", "") or ""
        info["module"] = mod if isinstance(mod, str) else ""
    except Exception:
        pass
    for name in forbidden:
        parts = name.split(".")
        if parts[0] not in sys.modules:
            continue
        for i in range(len(parts) - 1, 0, -1):
            m = sys.modules.get(".".join(parts[:i]))
            if m is None:
                continue
            obj = m
            try:
                for p in parts[i:]:
                    obj = getattr(obj, p)
            except Exception:
                break
            if obj is answer:
                info["forbidden_identity"] = name
            break
    func = answer
    try:
        func = inspect.unwrap(answer)
        func = getattr(func, "__func__", func)
        source = inspect.getsource(func)
    except Exception:
        source = ""
    words = ["dlcourse"] + [".".join(n.split(".")[-2:]) for n in forbidden]
    info["source_mentions"] = [w for w in words if w and w in source]
    code = getattr(func, "__code__", None)
    glb = getattr(func, "__globals__", None)
    if isinstance(code, types.CodeType) and isinstance(glb, dict):
        stack, seen = [code], []
        while stack:
            c = stack.pop()
            for c2 in c.co_consts:
                if isinstance(c2, types.CodeType):
                    stack.append(c2)
            for n in c.co_names:
                obj = glb.get(n)
                if obj is None or isinstance(obj, type):
                    continue
                m = obj.__name__ if isinstance(obj, types.ModuleType) else getattr(obj, "__module__", "")
                if isinstance(m, str) and m.split(".")[0] == "dlcourse":
                    seen.append(f"{n} ({m})")
        info["globals"] = seen[:5]
    return info


def _write(path, payload):
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(payload, fh)
    os.replace(tmp, path)


def harvest_one(user_ns, inputs_path, index, out_path, nonce):
    """Run exercise ``index`` of the inputs file on the learner's answer; write plain outputs."""
    import difflib
    import signal
    import warnings

    with open(inputs_path, encoding="utf-8") as fh:
        spec = json.load(fh)[index]
    name, kind = spec["name"], spec["kind"]
    payload = {"nonce": nonce, "id": spec["id"]}
    if name not in user_ns:
        names = [n for n in user_ns if isinstance(n, str) and not n.startswith("_")]
        payload["status"] = "missing"
        payload["similar"] = difflib.get_close_matches(name, names, n=3, cutoff=0.6)
        _write(out_path, payload)
        return
    answer = user_ns[name]
    payload["status"] = "ok"
    if kind == "value":
        try:
            payload["outcomes"] = [{"value": encode(answer)}]
        except Exception as exc:
            payload["outcomes"] = [{"error": f"`{name}` is not plain data: {exc}"[:400]}]
        _write(out_path, payload)
        return
    if not callable(answer):
        payload["status"] = "not_callable"
        payload["type"] = type(answer).__name__
        _write(out_path, payload)
        return
    payload["ref"] = _reference_info(answer, spec.get("forbidden", []))
    outcomes = []

    def _alarm(signum, frame):
        raise _HarvestTimeout()

    old = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, float(spec["time_limit"]))
    try:
        for args_enc, kwargs_enc in spec["cases"]:
            try:
                args, kwargs = decode(args_enc), decode(kwargs_enc)
                with warnings.catch_warnings(record=True) as caught:
                    warnings.simplefilter("always")
                    if spec.get("warnings_fail"):
                        with np.errstate(over="warn", divide="warn", invalid="warn", under="ignore"):
                            out = answer(*args, **kwargs)
                    else:
                        out = answer(*args, **kwargs)
            except _HarvestTimeout:
                raise
            except NotImplementedError:
                outcomes.append({"not_implemented": True})
                break
            except BaseException as exc:  # the learner's bug; KeyboardInterrupt included
                outcomes.append({"error": _describe(exc)})
                continue
            try:
                enc = encode(out)
            except _HarvestTimeout:
                raise
            except BaseException as exc:
                outcomes.append({"error": f"the answer returned something that is not plain data: {exc}"[:400]})
                continue
            warns = []
            for w in caught:
                try:
                    if issubclass(w.category, RuntimeWarning):
                        warns.append(f"{w.category.__name__}: {w.message}"[:200])
                except Exception:
                    pass
            outcomes.append({"value": enc, "warnings": warns[:3]})
    except _HarvestTimeout:
        outcomes.append({"timeout": True})
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
    while len(outcomes) < len(spec["cases"]) and outcomes and outcomes[-1].get("timeout"):
        outcomes.append({"timeout": True})
    payload["outcomes"] = outcomes
    _write(out_path, payload)
