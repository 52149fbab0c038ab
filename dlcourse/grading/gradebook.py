r"""The batch grader's verdicts and records: judging one submission's harvested answers, the
CSV gradebook, the printed summary and the ``--log`` file.

Split out of ``batch.py`` and ``submission.py`` (which run the submissions): everything here
runs in the grader's own process, after a submission's worker has finished, on files and a
report that the worker and the learner's kernel wrote, so everything it reads is treated as
untrusted. The verdict on
each answer is :func:`~dlcourse.grading.judge.judge_payload`, the same code ``check()`` uses.
"""
from __future__ import annotations

import csv
import json
import os
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

from .judge import Result, judge_payload
from .spec import Exercise

__all__ = ["COLUMNS", "Row", "read_payload", "judge_exercise", "log_submission", "write_csv",
           "summary", "MAX_HARVEST_FILE", "update_gradebook"]

MAX_HARVEST_FILE = 64 << 20  # bytes: a harvest file larger than this is not read

#: ``student``: from the notebook's metadata ``dlcourse.student``, else the file name (roster.py).
COLUMNS = ["submission", "student", "exercise", "score", "max_score", "status", "feedback"]


@dataclass
class Row:
    submission: str
    exercise: str
    score: float
    max_score: float
    status: str
    feedback: str
    student: str = ""
    #: every case, for the --feedback pages and the cache (not a CSV column)
    detail: dict | None = field(default=None, compare=False, repr=False)

    def as_list(self) -> list[Any]:
        return [self.submission, self.student, self.exercise,
                f"{self.score:.3f}".rstrip("0").rstrip("."), f"{self.max_score:g}", self.status,
                self.feedback]



def read_payload(path: Path, nonce: str, ex_id: str) -> dict | None:
    try:
        if not path.is_file() or path.stat().st_size > MAX_HARVEST_FILE:
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
    except Exception:
        return None
    if not isinstance(data, dict) or data.get("nonce") != nonce or data.get("id") != ex_id:
        return None
    return data


def judge_exercise(ex: Exercise, k: int, report: dict, workdir: Path, nonce: str,
                    expected: dict) -> Result:
    if report.get("fatal_timeout"):
        return Result(ex, "timeout", message="the notebook did not finish within the time limit")
    if "fatal" in report:
        return Result(ex, "error", message=f"the notebook could not be run: {report['fatal']}")
    hs = (report.get("harvest") or {}).get(str(k), "not_run")
    payload = read_payload(workdir / f"harvest_{nonce}_{k}.json", nonce, ex.id)
    if hs == "timeout":
        return Result(ex, "timeout", message=f"`{ex.name}` ran longer than its limit "
                                             f"({ex.time_limit:g} s of CPU time) on the grader's inputs")
    if hs == "crashed":
        return Result(ex, "crashed", message=f"the kernel died while running `{ex.name}` "
                                             "(os._exit, a crash, or too much memory)")
    if payload is None:
        if hs == "not_run":
            return Result(ex, "crashed", message="the kernel died before the answers could be collected")
        return Result(ex, "error", message=f"the answer `{ex.name}` could not be collected "
                                           "(did the notebook redefine a built-in such as globals?)")
    st = payload.get("status")
    if st == "missing":
        errs = [e for e in report.get("cell_errors", []) if e.get("exercise") == ex.id]
        similar = [str(s)[:40] for s in payload.get("similar", []) if isinstance(s, str)][:3]
        if errs:
            e = errs[0]
            return Result(ex, "error", message=(f"`{ex.name}` is not defined: its answer cell raised "
                                                f"{e['ename']}: {e['evalue']}"))
        died = [c for c in report.get("died_cells", []) if isinstance(c, int)]
        if died:  # e.g. os._exit at top level: the cells after it never defined the answer
            return Result(ex, "crashed", message=(
                f"the kernel died while running cell #{died[0]} (os._exit, a crash or too much "
                f"memory), and no `{ex.name}` was defined without that cell"))
        msg = f"no `{ex.name}` is defined in the notebook"
        if similar:
            msg += f" (found {', '.join(similar)}: renamed?)"
        return Result(ex, "missing", message=msg)
    cases, exp = expected[ex.id]
    return judge_payload(ex, payload, cases, exp)



_LOG_LOCK = threading.Lock()


def log_submission(opts: dict, sub: str, report: dict | None, rows: Sequence[Row],
                   own_log: str | None, cached: Sequence[Row] = ()) -> None:
    """Append one block to the ``--log`` file: which submission, what happened to it, then the
    lines its worker and kernels wrote (kernel warnings), indented under its name. ``cached``:
    its rows served from the result cache (``report`` None: nothing was run)."""
    lines = [f"=== {sub}"]
    if cached:
        lines.append(f"  from cache: {len(cached)} result(s) of an unchanged submission "
                     "and exercise, not run again")
    lines += _what_happened(opts, report) if report is not None else []
    for r in rows:
        lines.append(f"  {r.exercise or '-'}: {r.status} {r.score:g}/{r.max_score:g}")
    for r in cached:
        lines.append(f"  {r.exercise or '-'}: {r.status} {r.score:g}/{r.max_score:g} (from cache)")
    text = "\n".join(lines) + "\n"
    if own_log:
        try:
            with open(own_log, encoding="utf-8", errors="replace") as fh:
                raw = fh.read(64 << 10)
            if raw.strip():
                text += "  --- worker and kernel messages:\n"
                text += "".join(f"  | {ln}\n" for ln in raw.splitlines()[:200])
        except OSError:
            pass
    with _LOG_LOCK, open(opts["log"], "a", encoding="utf-8") as fh:
        fh.write(text)


def _what_happened(opts: dict, report: dict) -> list[str]:
    """The log lines about one run of a submission's worker."""
    lines = []
    if report.get("fatal_timeout"):
        lines.append("  the worker ran past its wall-clock backstop and was stopped")
    if "fatal" in report:
        lines.append(f"  could not be run: {str(report['fatal'])[:300]}")
    lines.append(f"  time: {report.get('wall', 0):g} s wall, "
                 f"{report.get('kernel_cpu', 0):g} s kernel CPU, "
                 f"{report.get('kernel_starts', 0)} kernel start(s)"
                 + (f", {report['kernels_forked']} forked" if report.get("kernels_forked") else ""))
    for n in report.get("notes") or []:
        lines.append(f"  {str(n)[:300]}")
    if report.get("truncated"):
        lines.append(f"  printed output truncated at the limit ({opts['output_limit']} bytes)")
    for e in report.get("cell_errors") or []:
        if e.get("ename") == "MemoryError":
            lines.append(f"  cell #{e.get('cell')}: MemoryError (over the kernel's memory cap)")
    return lines



def write_csv(rows: Sequence[Row], out: str | os.PathLike) -> None:
    """Write the gradebook atomically: a temporary file in the same folder, then os.replace."""
    out_p = Path(out)
    fd, tmp = tempfile.mkstemp(prefix=".grades-", suffix=".csv", dir=str(out_p.resolve().parent))
    try:
        with os.fdopen(fd, "w", newline="", encoding="utf-8") as fh:
            wr = csv.writer(fh)
            wr.writerow(COLUMNS)
            for r in rows:
                wr.writerow(r.as_list())
        os.replace(tmp, out_p)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def update_gradebook(out: str | os.PathLike, rows: Sequence[Row]) -> list[list[str]]:
    """``--exercise``: the rows of the existing gradebook ``out``, each (submission, exercise)
    graded now replaced in place by its new row, new pairs appended; other rows untouched.
    An old gradebook without the ``student`` column gets it (the file name's stem)."""
    from .merge import NEW_COLUMNS, OLD_COLUMNS, read_gradebook

    header, old = read_gradebook(out)
    if header == OLD_COLUMNS:
        old = [[r[0], Path(r[0]).name.removesuffix(".ipynb")] + r[1:] for r in old]
    assert NEW_COLUMNS == COLUMNS
    new = {(r.submission, r.exercise): r.as_list() for r in rows}
    merged = [new.pop((r[0], r[2]), r) for r in old]
    return merged + list(new.values())


def write_table_rows(table: Sequence[Sequence[str]], out: str | os.PathLike) -> None:
    from .merge import write_table

    write_table(COLUMNS, table, out)


def summary(rows: Sequence[Row], elapsed: float, n_subs: int) -> str:
    by_sub: dict[str, list[Row]] = {}
    for r in rows:
        by_sub.setdefault(r.submission, []).append(r)
    lines = [f"Graded {n_subs} submission(s) in {elapsed:.1f} s "
             f"({elapsed / max(n_subs, 1):.1f} s per submission)."]
    width = max(len(s) for s in by_sub) if by_sub else 10
    for s, rs in by_sub.items():
        got = sum(r.score for r in rs)
        best = sum(r.max_score for r in rs)
        counts: dict[str, int] = {}
        for r in rs:
            counts[r.status] = counts.get(r.status, 0) + 1
        detail = ", ".join(f"{n} {st}" for st, n in sorted(counts.items()))
        lines.append(f"  {s:<{width}}  {got:g}/{best:g}  ({detail})")
    return "\n".join(lines)
