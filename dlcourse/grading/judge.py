r"""Judging an answer: the one piece of code that turns what an answer returned into a verdict.

Both :func:`~dlcourse.grading.checker.check` (in the learner's kernel) and the batch grader (in
its own process) call :func:`judge_payload` on the payload that
:func:`~dlcourse.grading.harvest.call_answer` produced, decoded from the same JSON encoding, so
the two cannot drift. A hint is attached to a failed case only when one of the exercise's
specific :class:`~dlcourse.grading.spec.Hint` predicates recognises the mistake; otherwise the
learner sees expected against received.

One module of a little over 300 lines on purpose: it is the single place where a verdict is
made, and splitting it would put the two callers' shared path back into two files.
"""
from __future__ import annotations

import copy
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from ..i18n import _, tr
from .harvest import decode, encode
from .spec import Case, Exercise, Verdict, compare, to_plain

__all__ = ["Result", "expected_values", "evaluate", "clean_outcomes", "judge_payload",
           "reuse_message", "answer_spec", "encoded_inputs", "plain_inputs", "round_trip",
           "STATUSES"]

#: Every status a result can have, with the words shown to a learner (and documented in the
#: teacher guide).
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
        """One short line for a gradebook (in the current language, see dlcourse.i18n)."""
        parts = []
        if self.message:
            parts.append(tr(self.message))
        if self.verdicts and self.status not in ("not_attempted", "uses_reference"):
            n_ok = sum(v.ok for v in self.verdicts)
            parts.append(tr(f"{n_ok}/{len(self.verdicts)} cases passed"))
            bad = next((v for v in self.verdicts if not v.ok), None)
            if bad is not None:
                parts.append(tr(f"first failure ({bad.label}): {bad.message}"))
                if bad.hint:
                    parts.append(tr(f"hint: {bad.hint}"))
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
    return ""  # no specific hint recognised this mistake: expected against received says it


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
        outcomes = _split_value(ex, whole, cases)
    if any(o.get("not_implemented") for o in outcomes):
        return Result(ex, "not_attempted",
                      message=f"not attempted yet: `{ex.name}` still raises NotImplementedError")
    verdicts: list[Verdict] = []
    errors = 0
    timeouts = 0
    for i, (case, exp) in enumerate(zip(cases, expected)):
        o = outcomes[i] if i < len(outcomes) else {"error": "no output for this case"}
        verdict, is_error = _judge_case(ex, case, exp, o, _case_label(case, i))
        verdicts.append(verdict)
        errors += is_error
        timeouts += bool(o.get("timeout"))
    n_ok = sum(v.ok for v in verdicts)
    score = ex.points * n_ok / len(verdicts) if verdicts else 0.0
    status = _status_from(verdicts, errors)
    if status in ("failed", "error") and timeouts and timeouts + errors == len(verdicts):
        status = "timeout"
    return Result(ex, status, score=score, verdicts=verdicts)


def _split_value(ex: Exercise, whole: dict, cases: Sequence[Case]) -> list[dict]:
    """A value exercise's one outcome split into one per case (``name[case.key]``)."""
    outcomes = []
    for case in cases:
        if "value" not in whole:
            outcomes.append(whole)
        elif case.key is None:
            outcomes.append({"value": whole["value"]})
        else:
            try:
                outcomes.append({"value": whole["value"][case.key]})
            except (KeyError, IndexError, TypeError):
                outcomes.append({"error": f"`{ex.name}` has no entry {case.key!r}"})
    return outcomes


def _judge_case(ex: Exercise, case: Case, exp: Any, o: dict, label: str) -> tuple[Verdict, bool]:
    """The verdict on one case's outcome (its judge, or :func:`compare`, then warnings and a
    hint), and whether it counts as an error rather than a wrong value."""
    if o.get("timeout"):
        return Verdict(False, label, "ran out of time", expected=exp), False
    if "error" in o:
        return Verdict(False, label, str(o["error"]), expected=exp), True
    got = o.get("value")
    wrong_type = _array_as_list(got, exp)
    if wrong_type:
        return Verdict(False, label, f"`{ex.name}` returned {wrong_type}",
                       expected=exp, received=got), True
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
    return Verdict(ok, label, msg, expected=exp, received=got, hint=hint), False




def _array_as_list(got: Any, exp: Any, where: str = "") -> str:
    """'a list where a NumPy array is asked ...' when ``got`` has a list where ``exp`` has an
    array (at the top or inside a tuple, list or dict of the same shape), else ''."""
    if isinstance(exp, np.ndarray) and isinstance(got, (list, tuple)):
        return _(f"a {type(got).__name__}{where} where a NumPy array is asked "
                 "(build it with np.array, or compute with arrays)")
    if isinstance(exp, (list, tuple)) and isinstance(got, (list, tuple)) and len(got) == len(exp):
        for i, (g, e) in enumerate(zip(got, exp)):
            msg = _array_as_list(g, e, _(f"{where} as item {i}"))
            if msg:
                return msg
    if isinstance(exp, dict) and isinstance(got, dict):
        for k, e in exp.items():
            if k in got:
                msg = _array_as_list(got[k], e, _(f"{where} under key {k!r}"))
                if msg:
                    return msg
    return ""


# --------------------------------------------------------------------------- payloads
def clean_outcomes(raw: Any) -> list[dict]:
    """The outcomes of a payload, decoded strictly (untrusted when they come from a kernel)."""
    if not isinstance(raw, list):
        return [{"error": "the answer's outputs could not be read"}]
    outcomes: list[dict] = []
    for o in raw[:1000]:
        if not isinstance(o, dict):
            outcomes.append({"error": "unreadable output"})
        elif o.get("not_implemented") is True:
            outcomes.append({"not_implemented": True})
        elif o.get("timeout") is True:
            outcomes.append({"timeout": True})
        elif "error" in o:
            outcomes.append({"error": str(o["error"])[:500]})
        elif "value" in o:
            try:
                value = decode(o["value"])
            except Exception as exc:
                outcomes.append({"error": f"the answer's output could not be read as plain data ({exc})"})
                continue
            warns = o.get("warnings") if isinstance(o.get("warnings"), list) else []
            outcomes.append({"value": value, "warnings": [str(w)[:200] for w in warns[:3]]})
        else:
            outcomes.append({"error": "unreadable output"})
    return outcomes


def reuse_message(what: str, how: str = "calls") -> str:
    """What a learner reads when the answer is, or calls, the course's own code or an object
    the exercise rules out (``what``: its qualified name)."""
    what, how = str(what)[:80], ("is" if how == "is" else "calls")
    if what.startswith(("sys.setprofile", "sys.settrace")):
        return _(f"your answer calls {what}, which switches off the grader's watch: not allowed")
    if what.split(".")[0] == "dlcourse" or "/dlcourse/" in what:
        if how == "is":  # (two whole sentences each, so that each can be translated)
            return _(f"your answer is {what}, the course's own code: write your own")
        return _(f"your answer calls {what}, the course's own code: write your own")
    if how == "is":
        return _(f"your answer is {what}, which this exercise rules out: write your own")
    return _(f"your answer calls {what}, which this exercise rules out: write your own")


def judge_payload(ex: Exercise, payload: Any, cases: Sequence[Case], expected: Sequence[Any]) -> Result:
    """The verdict on one answer from the payload of
    :func:`~dlcourse.grading.harvest.call_answer` (``status`` ``ok`` or ``not_callable``)."""
    if not isinstance(payload, dict):
        return Result(ex, "error", message="the answer's outputs could not be read")
    st = payload.get("status")
    if st == "not_callable":
        return Result(ex, "error", message=(
            f"`{ex.name}` should be a function (pass it without parentheses); "
            f"found a {str(payload.get('type'))[:40]}"))
    if st != "ok":
        return Result(ex, "error", message="the answer's outputs could not be read")
    if ex.kind == "function" and payload.get("reuse"):
        return Result(ex, "uses_reference", message=reuse_message(payload["reuse"],
                                                                  payload.get("reuse_how", "")))
    return evaluate(ex, clean_outcomes(payload.get("outcomes")), cases, expected)


# --------------------------------------------------------------------------- shared inputs
_COURSE_DIR = str(Path(__file__).resolve().parents[1]) + os.sep


def answer_spec(ex: Exercise) -> dict:
    """What :func:`~dlcourse.grading.harvest.call_answer` needs to know about an exercise."""
    return {"id": ex.id, "name": ex.name, "kind": ex.kind, "forbidden": list(ex.forbidden),
            "warnings_fail": bool(ex.warnings_fail), "time_limit": float(ex.time_limit),
            "numpy_only": bool(getattr(ex, "numpy_only", True)), "course_dir": _COURSE_DIR}


def encoded_inputs(cases: Sequence[Case]) -> list[list]:
    """The cases' inputs as JSON-ready plain data (what the batch grader sends to a kernel)."""
    return [[encode(tuple(c.args)), encode(dict(c.kwargs))] for c in cases]


def plain_inputs(ex: Exercise, cases: Sequence[Case]) -> list[tuple]:
    """Fresh copies of the cases' inputs, exactly as a kernel in the batch grader gets them."""
    return [(decode(a), decode(k)) for a, k in round_trip(encoded_inputs(cases))]


def round_trip(obj: Any) -> Any:
    """Through JSON and back, as a payload from a kernel travels."""
    return json.loads(json.dumps(obj))
