r"""Instant feedback in the notebook: ``check(exercise_id, answer)`` and ``score_table(chapter)``.

``check`` runs every case of one exercise in the learner's own kernel (well under a second),
turns each output into plain data (:func:`~dlcourse.grading.spec.to_plain`), compares it with
the course's reference computed on fresh copies of the same inputs, and shows the result: rich
HTML in Jupyter (plus plain text, plus a machine-readable ``application/vnd.dlcourse.check+json``
part that ``dlcourse progress`` reads back from saved notebooks), plain text elsewhere. It never
raises and returns ``None``.

The judging core (:func:`expected_values`, :func:`evaluate`) is shared with the batch grader,
which gathers the outputs in the learner's kernel but makes the verdict in its own process.
"""
from __future__ import annotations

import copy
import html
import importlib
import inspect
import linecache
import sys
import traceback
import types
import warnings
from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np

from .spec import Case, Exercise, PlainDataError, Verdict, compare, to_plain

__all__ = ["check", "score_table", "Result", "evaluate", "expected_values", "run_cases",
           "uses_reference", "CHECK_MIME", "SCORES_MIME", "STATUSES"]

CHECK_MIME = "application/vnd.dlcourse.check+json"
SCORES_MIME = "application/vnd.dlcourse.scores+json"

#: Every status a result can have, with the words shown to a learner.
STATUSES = {
    "passed": "passed",
    "partial": "partly right",
    "failed": "failed",
    "error": "raised an error",
    "not_attempted": "not attempted yet",
    "missing": "answer not found",
    "timeout": "ran out of time",
    "crashed": "crashed the kernel",
    "uses_reference": "uses the course's own solution",
    "not_checked": "not checked yet",
}

_PASS_COLOR = "#0072B2"  # Okabe-Ito blue
_FAIL_COLOR = "#D55E00"  # Okabe-Ito vermillion
_GREY = "#666666"

#: In-kernel record of the latest check of each exercise: id -> {id, score, max_score, status}.
_RESULTS: dict[str, dict[str, Any]] = {}


# --------------------------------------------------------------------------- results
@dataclass
class Result:
    """The outcome of one exercise: a status, the points, and one :class:`Verdict` per case."""

    exercise: Exercise
    status: str
    score: float = 0.0
    verdicts: list[Verdict] = field(default_factory=list)
    message: str = ""  # exercise-level explanation (not attempted, missing, crashed...)

    @property
    def max_score(self) -> float:
        return float(self.exercise.points)

    def record(self) -> dict[str, Any]:
        return {"id": self.exercise.id, "score": round(float(self.score), 4),
                "max_score": self.max_score, "status": self.status}

    def feedback(self, limit: int = 400) -> str:
        """One short line for a gradebook."""
        parts = []
        if self.message:
            parts.append(self.message)
        if self.verdicts and self.status not in ("not_attempted", "uses_reference"):
            n_ok = sum(v.ok for v in self.verdicts)
            parts.append(f"{n_ok}/{len(self.verdicts)} cases passed")
            bad = next((v for v in self.verdicts if not v.ok), None)
            if bad is not None:
                parts.append(f"first failure ({bad.label}): {bad.message}")
                if bad.hint:
                    parts.append(f"hint: {bad.hint}")
        text = "; ".join(p.strip().rstrip(".") for p in parts if p.strip())
        text = " ".join(text.split())
        return text if len(text) <= limit else text[: limit - 3] + "..."


def _status_from(verdicts: Sequence[Verdict], errors: int) -> str:
    n_ok = sum(v.ok for v in verdicts)
    if verdicts and n_ok == len(verdicts):
        return "passed"
    if n_ok:
        return "partial"
    if verdicts and errors == len(verdicts):
        return "error"
    return "failed"


# --------------------------------------------------------------------------- expected values
def _case_label(case: Case, i: int) -> str:
    if case.label:
        return case.label
    return f"key {case.key!r}" if case.key is not None else f"case {i + 1}"


def expected_values(ex: Exercise) -> tuple[list[Case], list[Any]]:
    """The exercise's cases and, for each, the reference's output as plain data.

    The reference is called on fresh (deep) copies of each case's inputs, so nothing an
    answer does to its inputs can change what is expected.
    """
    cases = list(ex.cases())
    if ex.kind == "value":
        whole = to_plain(ex.reference())
        out = []
        for case in cases:
            out.append(whole if case.key is None else whole[case.key])
        return cases, out
    expected = []
    for case in cases:
        args, kwargs = copy.deepcopy(case.args), copy.deepcopy(case.kwargs)
        expected.append(to_plain(ex.reference(*args, **kwargs)))
    return cases, expected


def _all_none(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, dict):
        return all(v is None for v in value.values())
    if isinstance(value, (list, tuple)):
        return all(v is None for v in value)
    return False


# --------------------------------------------------------------------------- judging
def _pick_hint(ex: Exercise, got: Any, exp: Any, case: Case) -> str:
    for h in ex.hints:
        try:
            if h.when(got, exp, case):
                return h.text
        except Exception:  # a hint predicate must never break the feedback
            continue
    return ex.hint


def evaluate(ex: Exercise, outcomes: Sequence[dict], cases: Sequence[Case] | None = None,
             expected: Sequence[Any] | None = None) -> Result:
    """Turn per-case outcomes into a :class:`Result`.

    Each outcome is a dict with one of: ``{"value": plain}`` (optionally with ``"warnings":
    [text, ...]``), ``{"error": "Type: message"}``, ``{"not_implemented": True}``,
    ``{"timeout": True}``. For ``kind="value"`` exercises pass a single outcome holding the
    whole variable; it is split by the cases' keys here.
    """
    if cases is None or expected is None:
        cases, expected = expected_values(ex)
    cases, expected = list(cases), list(expected)
    if ex.kind == "value":
        whole = outcomes[0] if outcomes else {"error": "no value"}
        if "value" in whole and _all_none(whole["value"]):
            return Result(ex, "not_attempted", message=f"not attempted yet: `{ex.name}` still holds the stub's None values")
        outcomes = []
        for case in cases:
            if "value" not in whole:
                outcomes.append(whole)
            elif case.key is None:
                outcomes.append({"value": whole["value"]})
            else:
                v = whole["value"]
                try:
                    outcomes.append({"value": v[case.key]})
                except (KeyError, IndexError, TypeError):
                    outcomes.append({"error": f"`{ex.name}` has no entry {case.key!r}"})
    if any(o.get("not_implemented") for o in outcomes):
        return Result(ex, "not_attempted",
                      message=f"not attempted yet: `{ex.name}` still raises NotImplementedError")
    verdicts: list[Verdict] = []
    errors = 0
    timeouts = 0
    for i, (case, exp) in enumerate(zip(cases, expected)):
        o = outcomes[i] if i < len(outcomes) else {"error": "no output for this case"}
        label = _case_label(case, i)
        if o.get("timeout"):
            timeouts += 1
            verdicts.append(Verdict(False, label, "ran out of time", expected=exp, hint=ex.hint))
            continue
        if "error" in o:
            errors += 1
            verdicts.append(Verdict(False, label, str(o["error"]), expected=exp, hint=ex.hint))
            continue
        got = o.get("value")
        if ex.judge is not None:
            try:
                ok, msg = ex.judge(got, exp, case)
                ok = bool(ok)
            except Exception as exc:  # a judge that trips over odd answers: that answer fails
                ok, msg = False, f"could not judge the answer ({type(exc).__name__}: {exc})"
        else:
            try:
                ok, msg = compare(got, exp, ex.rtol, ex.atol)
            except Exception as exc:
                ok, msg = False, f"could not compare the answer ({type(exc).__name__}: {exc})"
        warns = o.get("warnings") or []
        if ok and ex.warnings_fail and warns:
            ok = False
            msg = f"correct values, but with a warning: {warns[0]} (this exercise asks for no warnings)"
        hint = "" if ok else _pick_hint(ex, got, exp, case)
        verdicts.append(Verdict(ok, label, msg, expected=exp, received=got, hint=hint))
    n_ok = sum(v.ok for v in verdicts)
    score = ex.points * n_ok / len(verdicts) if verdicts else 0.0
    status = _status_from(verdicts, errors)
    if status in ("failed", "error") and timeouts and timeouts + errors == len(verdicts):
        status = "timeout"
    return Result(ex, status, score=score, verdicts=verdicts)


# --------------------------------------------------------------------------- running in-process
def _learner_frame_line(tb: types.TracebackType | None) -> str:
    """'line N: code' of the deepest traceback frame that is the learner's own code."""
    best = None
    for frame, lineno in traceback.walk_tb(tb):
        fname = frame.f_code.co_filename
        if "site-packages" in fname or fname.startswith(sys.prefix) or "/dlcourse/" in fname:
            continue
        if fname.startswith("<frozen"):
            continue
        best = (fname, lineno, frame.f_code.co_name)
    if best is None:
        return ""
    fname, lineno, func = best
    code = linecache.getline(fname, lineno).strip()
    where = f"in {func}, line {lineno}" if func != "<module>" else f"line {lineno}"
    return f" ({where}: {code})" if code else f" ({where})"


def _describe_exception(exc: BaseException) -> str:
    msg = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    text = f"{type(exc).__name__}: {msg}" if msg else type(exc).__name__
    if len(text) > 300:
        text = text[:297] + "..."
    return text + _learner_frame_line(exc.__traceback__)


class _CheckTimeout(BaseException):
    """Raised inside an answer that runs past the exercise's time limit during check()."""


def run_cases(ex: Exercise, answer: Any, cases: Sequence[Case]) -> list[dict]:
    """Call ``answer`` on fresh copies of every case's inputs; one outcome dict per case.

    In the main thread, all cases together get ``4 * ex.time_limit`` seconds (a timer signal),
    so an endless loop in an answer ends as "ran out of time" instead of hanging the check.
    """
    import signal
    import threading

    use_timer = threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer")
    old = None
    if use_timer:
        def _alarm(signum, frame):
            raise _CheckTimeout()

        old = signal.signal(signal.SIGALRM, _alarm)
        signal.setitimer(signal.ITIMER_REAL, 4.0 * float(ex.time_limit))
    try:
        return _run_cases(ex, answer, cases)
    except _CheckTimeout:
        return [{"timeout": True} for _ in cases]
    finally:
        if use_timer:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, old)


def _run_cases(ex: Exercise, answer: Any, cases: Sequence[Case]) -> list[dict]:
    outcomes: list[dict] = []
    for case in cases:
        args, kwargs = copy.deepcopy(case.args), copy.deepcopy(case.kwargs)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                if ex.warnings_fail:
                    with np.errstate(over="warn", divide="warn", invalid="warn", under="ignore"):
                        out = answer(*args, **kwargs)
                else:
                    out = answer(*args, **kwargs)
            except NotImplementedError:
                outcomes.append({"not_implemented": True})
                break
            except (KeyboardInterrupt, SystemExit, _CheckTimeout):
                raise
            except BaseException as exc:  # the learner's bug: report it, never raise
                outcomes.append({"error": _describe_exception(exc)})
                continue
        try:
            plain = to_plain(out)
        except PlainDataError as exc:
            outcomes.append({"error": f"the answer returned something that is not plain data: {exc}"})
            continue
        warns = [f"{w.category.__name__}: {w.message}" for w in caught
                 if issubclass(w.category, RuntimeWarning)]
        outcomes.append({"value": plain, "warnings": warns})
    return outcomes


def _resolve(qualname: str) -> Any:
    """The object a dotted name refers to, only if its top package is already imported."""
    parts = qualname.split(".")
    if parts[0] not in sys.modules and parts[0] != "dlcourse":
        return None
    for i in range(len(parts) - 1, 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:i]))
        except Exception:
            continue
        try:
            for p in parts[i:]:
                obj = getattr(obj, p)
            return obj
        except AttributeError:
            return None
    return None


def _code_objects(code: types.CodeType):
    yield code
    for c in code.co_consts:
        if isinstance(c, types.CodeType):
            yield from _code_objects(c)


def uses_reference(ex: Exercise, answer: Any) -> str:
    """A message if ``answer`` is (or simply calls) the course's own implementation, else ''."""
    if ex.kind != "function":
        return ""
    for name in ex.forbidden:
        if _resolve(name) is answer and answer is not None:
            return f"your answer is {name}, the course's own implementation: write your own"
    module = getattr(answer, "__module__", None) or ""
    if isinstance(module, str) and module.split(".")[0] == "dlcourse":
        return f"your answer comes from {module}, the course's own code: write your own"
    func = inspect.unwrap(answer) if callable(answer) else answer
    func = getattr(func, "__func__", func)
    try:
        source = inspect.getsource(func)
    except (OSError, TypeError):
        source = ""
    if "dlcourse" in source:
        return "your answer uses the dlcourse package, which holds the course's solutions: write your own"
    for name in ex.forbidden:
        tail = ".".join(name.split(".")[-2:])
        if tail and tail in source:
            return f"your answer calls {name}: the point of the exercise is to write it yourself"
    code = getattr(func, "__code__", None)
    glb = getattr(func, "__globals__", {}) or {}
    if isinstance(code, types.CodeType):
        for c in _code_objects(code):
            for n in c.co_names:
                obj = glb.get(n)
                if obj is None:
                    continue
                mod = obj.__name__ if isinstance(obj, types.ModuleType) else getattr(obj, "__module__", "")
                if isinstance(mod, str) and mod.split(".")[0] == "dlcourse" and not isinstance(obj, type):
                    return (f"your answer calls `{n}` from {mod}, the course's own code: "
                            "write your own")
    return ""


def grade_in_process(ex: Exercise, answer: Any) -> Result:
    """The whole check of one answer in this process (what :func:`check` shows)."""
    cases, expected = expected_values(ex)
    if ex.kind == "function":
        if not callable(answer):
            return Result(ex, "error", message=(
                f"expected the function `{ex.name}` itself (no parentheses); got {type(answer).__name__}"))
        ref = uses_reference(ex, answer)
        if ref:
            return Result(ex, "uses_reference", message=ref)
        outcomes = run_cases(ex, answer, cases)
    else:
        try:
            outcomes = [{"value": to_plain(answer)}]
        except PlainDataError as exc:
            outcomes = [{"error": f"`{ex.name}` is not plain data: {exc}"}]
    return evaluate(ex, outcomes, cases, expected)


# --------------------------------------------------------------------------- display
def _short(x: Any, limit: int = 80) -> str:
    if isinstance(x, np.ndarray):
        if x.size <= 6:
            body = np.array2string(x, precision=4, separator=", ", threshold=6)
            body = " ".join(body.split())
            return f"{body} (shape {x.shape}, {x.dtype})"
        return f"array of shape {x.shape}, dtype {x.dtype}"
    text = repr(x)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _fmt_points(x: float) -> str:
    return f"{x:.2f}".rstrip("0").rstrip(".") if x != int(x) else str(int(x))


def _text(res: Result) -> str:
    ex = res.exercise
    head = (f"[{ex.id}] {ex.title}: {STATUSES.get(res.status, res.status)} - "
            f"{_fmt_points(res.score)}/{_fmt_points(res.max_score)} points")
    lines = [head]
    if res.message:
        lines.append(f"  {res.message}")
    if res.status in ("not_attempted", "uses_reference"):
        return "\n".join(lines)
    for v in res.verdicts:
        mark = "PASS" if v.ok else "FAIL"
        lines.append(f"  {mark}  {v.label}" + ("" if v.ok else f": {v.message}"))
        if not v.ok:
            if v.received is not None:
                lines.append(f"        expected: {_short(v.expected)}")
                lines.append(f"        received: {_short(v.received)}")
            if v.hint:
                lines.append(f"        hint: {v.hint}")
    return "\n".join(lines)


def _html(res: Result) -> str:
    ex = res.exercise
    e = html.escape
    ok_all = res.status == "passed"
    colour = _PASS_COLOR if ok_all else (_GREY if res.status == "not_attempted" else _FAIL_COLOR)
    out = [f'<div class="dlcourse-check" style="border-left:4px solid {colour};padding:4px 10px;'
           f'margin:4px 0;font-family:sans-serif;font-size:0.92em">',
           f'<b>{e(ex.id)}</b> &middot; {e(ex.title)} &mdash; '
           f'<b style="color:{colour}">{e(STATUSES.get(res.status, res.status))}</b>, '
           f'{_fmt_points(res.score)} / {_fmt_points(res.max_score)} points']
    if res.message:
        out.append(f'<div style="margin-top:4px">{e(res.message)}</div>')
    if res.verdicts and res.status not in ("not_attempted", "uses_reference"):
        out.append('<table style="margin-top:4px;border-collapse:collapse">')
        for v in res.verdicts:
            mark = (f'<span style="color:{_PASS_COLOR}">&#10003; passed</span>' if v.ok
                    else f'<span style="color:{_FAIL_COLOR}">&#10007; failed</span>')
            detail = ""
            if not v.ok:
                detail = e(v.message)
                if v.received is not None:
                    detail += (f"<br><small>expected: <code>{e(_short(v.expected))}</code><br>"
                               f"received: <code>{e(_short(v.received))}</code></small>")
                if v.hint:
                    detail += f"<br><i>Hint: {e(v.hint)}</i>"
            out.append(f'<tr><td style="padding:2px 8px;text-align:left">{mark}</td>'
                       f'<td style="padding:2px 8px;text-align:left">{e(v.label)}</td>'
                       f'<td style="padding:2px 8px;text-align:left">{detail}</td></tr>')
        out.append("</table>")
    out.append("</div>")
    return "".join(out)


def _in_kernel() -> bool:
    ip = sys.modules.get("IPython")
    if ip is None:
        return False
    try:
        shell = ip.get_ipython()
    except Exception:
        return False
    return shell is not None and getattr(shell, "kernel", None) is not None


def _show(bundle: dict[str, Any]) -> None:
    if _in_kernel():
        from IPython.display import display

        display(bundle, raw=True)
    else:
        print(bundle["text/plain"])


# --------------------------------------------------------------------------- public API
def check(exercise_id: str, answer: Any) -> None:
    """Check one exercise at once and show what passed, what failed and why. Returns ``None``.

    ``answer`` is the function you wrote (``check("03.sigmoid", sigmoid)``, no parentheses) or,
    for exercises that ask for a value, the variable. Never raises.
    """
    try:
        from . import get

        ex = get(str(exercise_id))
    except Exception as exc:
        text = f"check({exercise_id!r}): {exc}"
        _show({"text/plain": text, "text/html": f"<div><b>check</b>: {html.escape(str(exc))}</div>"})
        return None
    try:
        res = grade_in_process(ex, answer)
    except Exception as exc:  # a bug in an exercise spec: say so rather than raise
        res = Result(ex, "error", message=f"the checker itself failed ({type(exc).__name__}: {exc}); "
                                          "please report this to the course")
    _RESULTS[ex.id] = res.record()
    _show({"text/plain": _text(res), "text/html": _html(res), CHECK_MIME: res.record()})
    return None


def results() -> dict[str, dict[str, Any]]:
    """A copy of this kernel's latest check results, by exercise id."""
    return {k: dict(v) for k, v in _RESULTS.items()}


def score_table(chapter: str | int) -> None:
    """Show every exercise of one chapter with its latest score in this kernel. Returns ``None``."""
    from . import chapters, exercises

    ch = str(chapter).zfill(2)
    if ch not in chapters():
        _show({"text/plain": f"score_table: no exercises for chapter {ch!r}",
               "text/html": f"<div>score_table: no exercises for chapter {html.escape(ch)}</div>"})
        return None
    rows = []
    for ex in exercises(ch):
        rec = _RESULTS.get(ex.id, {"id": ex.id, "score": 0.0, "max_score": float(ex.points),
                                   "status": "not_checked"})
        rows.append((ex, rec))
    total = sum(r["score"] for _, r in rows)
    best = sum(r["max_score"] for _, r in rows)
    text = [f"Chapter {ch} exercises: {_fmt_points(total)}/{_fmt_points(best)} points"]
    width = max(len(ex.id) for ex, _ in rows)
    for ex, r in rows:
        text.append(f"  {ex.id:<{width}}  {STATUSES.get(r['status'], r['status']):<31} "
                    f"{_fmt_points(r['score'])}/{_fmt_points(r['max_score'])}  {ex.title}")
    e = html.escape
    cells = "".join(
        f'<tr><td style="text-align:left">{e(ex.id)}</td><td style="text-align:left">{e(ex.title)}</td>'
        f'<td style="text-align:left;color:{_PASS_COLOR if r["status"] == "passed" else (_GREY if r["status"] in ("not_checked", "not_attempted") else _FAIL_COLOR)}">'
        f'{e(STATUSES.get(r["status"], r["status"]))}</td>'
        f'<td>{_fmt_points(r["score"])} / {_fmt_points(r["max_score"])}</td></tr>'
        for ex, r in rows)
    page = (f'<div class="dlcourse-scores" style="font-family:sans-serif;font-size:0.92em">'
            f'<b>Chapter {e(ch)} exercises</b>: {_fmt_points(total)} / {_fmt_points(best)} points'
            f'<table><tr><th style="text-align:left">id</th><th style="text-align:left">exercise</th>'
            f'<th style="text-align:left">status</th><th>points</th></tr>{cells}</table></div>')
    _show({"text/plain": "\n".join(text), "text/html": page,
           SCORES_MIME: {"chapter": ch, "exercises": [r for _, r in rows]}})
    return None
