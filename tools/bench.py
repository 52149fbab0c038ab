"""Benchmark the course: issue 16's targets side by side in one run, and dlcourse against torch.

Writes ``benchmarks/README.md``: the machine and its load, each measurement with its target and
the ratio against the previous run's figure (kept in a comment at the end of that file; the
first time, the figures issue 16 measured). Run it through ``make bench`` (``tools/bench.sh``).

Everything happens in a fresh clone in a temporary folder (tracked edits not yet committed are
applied, as in the tests), with this checkout's ``.venv`` and vendored widget JavaScript; your
``_build`` and your notebooks are left alone. In one run, side by side:

1. every notebook executed serially in a fresh kernel, in three rounds (``--rounds``): the
   median of each notebook's rounds is its time, and their sum the yardstick;
2. the cold book build (``tools/build-book.sh``, empty execution cache, parallel execution);
3. a rebuild with nothing changed (median of three);
4. a rebuild after editing one chapter (``--chapter``), against that chapter's execution time;
5. ``python -c "import dlcourse"`` against ``python -c "import numpy"`` (medians of fresh
   processes, interleaved);
6. the slowest chapters against the median chapter (from step 1);
7. with ``--full``: ``make test`` in another fresh clone (its own ``.venv``, as CI and a
   newcomer run it), against the cold build of step 2 (tens of minutes);
8. the cold build of both editions (English and the Korean one under ``ko/``, issue 15)
   against a cold build of the English site alone (``DLCOURSE_BOOK_KOREAN=0``), each from an
   empty execution cache; the both-editions build is step 2's when it ran, and then step 2
   again with a fresh kernel per notebook (``DLCOURSE_BOOK_WARM=0``), to show what the warm
   kernels (tools/warm_kernel.py) save.

    python tools/bench.py                  # steps 1-6 and dlcourse vs torch (about 15 minutes)
    python tools/bench.py --full           # and `make test` from a fresh clone
    python tools/bench.py --only import    # one cheap part: import, conv, book, editions
    python tools/bench.py --only editions --out /tmp/b.md   # two cold builds, English vs both
    python tools/bench.py --note "machine shared with other work"

No test asserts on time; the targets live here.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "README.md"
CONV_TARGET_RATIO = 5.0
DATA_TAG = "bench-data"   # the figures of a run, as JSON in a comment at the end of OUT
# What issue 16 measured before its changes: the "previous" column of a first run.
ISSUE16 = {"cold_ratio": 1.07, "cold_s": 178.9, "nochange_s": 6.0, "import_s": 2.75,
           "slowest_ratio": 2.8, "make_test_s": 1964.0, "make_test_ratio": None,
           "chapter_excess_s": None, "import_ratio": None, "source": "issue 16 (before)",
           "editions_ratio": None, "english_cold_s": None}
EDITIONS_TARGET = 1.4   # issue 15: both editions' cold build / the English one's


def machine() -> dict[str, str]:
    """What the numbers were measured on."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import torch

    return {
        "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": cpu,
        "cores": str(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()),
        "torch threads": str(torch.get_num_threads()),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "torch": torch.__version__,
        "os": platform.platform(),
    }


def median_time(fn, repeat: int = 20, warmup: int = 3) -> float:
    """Median wall time of ``fn()`` in seconds."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def bench_conv() -> list[tuple[str, float]]:
    """Conv2d(1, 16, 3) forward + backward on a batch of 64 images of 1x8x8."""
    import torch

    import dlcourse as dl

    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 1, 8, 8))
    conv = dl.nn.Conv2d(1, 16, 3)

    def ours():
        out = conv(x)
        conv.zero_grad()
        conv.backward(np.ones_like(out))

    rows = [("dlcourse Conv2d fwd+bwd (float64)", median_time(ours))]
    for dtype, name in ((torch.float32, "float32"), (torch.float64, "float64")):
        tconv = torch.nn.Conv2d(1, 16, 3).to(dtype)
        tx = torch.as_tensor(x, dtype=dtype).requires_grad_(True)

        def theirs():
            tconv.zero_grad()
            out = tconv(tx)
            out.backward(torch.ones_like(out))

        rows.append((f"torch Conv2d fwd+bwd ({name})", median_time(theirs)))
    return rows


def bench_mlp() -> list[tuple[str, float]]:
    """One epoch (batch 32, Adam) of a 64-128-10 MLP on the digits training set."""
    import torch

    import dlcourse as dl

    X_train, _, y_train, _ = dl.data.load_digits()
    order = np.random.default_rng(0).permutation(len(X_train))
    batches = [order[i:i + 32] for i in range(0, len(order), 32)]

    def ours():
        model = dl.nn.Sequential(dl.nn.Linear(64, 128), dl.nn.ReLU(), dl.nn.Linear(128, 10))
        opt, loss_fn = dl.optim.Adam(model.parameters(), lr=1e-3), dl.nn.CrossEntropyLoss()
        for b in batches:  # forward, loss, zero the gradients, backward, step
            loss_fn(model(np.asarray(X_train[b], dtype=float)), y_train[b])
            opt.zero_grad()
            model.backward(loss_fn.backward())
            opt.step()

    def theirs():
        torch.manual_seed(0)
        model = torch.nn.Sequential(torch.nn.Linear(64, 128), torch.nn.ReLU(), torch.nn.Linear(128, 10))
        opt, loss_fn = torch.optim.Adam(model.parameters(), lr=1e-3), torch.nn.CrossEntropyLoss()
        X, y = torch.as_tensor(X_train, dtype=torch.float32), torch.as_tensor(y_train)
        for b in batches:
            opt.zero_grad()
            loss_fn(model(X[b]), y[b]).backward()
            opt.step()

    return [("dlcourse MLP, one digits epoch", median_time(ours, repeat=5, warmup=1)),
            ("torch MLP, one digits epoch (float32)", median_time(theirs, repeat=5, warmup=1))]


SERIAL_RUN = """
import json, sys, nbformat
from pathlib import Path
from jupyter_cache.executors.utils import single_nb_execution
path = Path(sys.argv[1])
result = single_nb_execution(nbformat.read(path, as_version=4), cwd=str(path.parent),
                             timeout=int(sys.argv[2]), allow_errors=False)
print(json.dumps([result.time, type(result.err).__name__ if result.err else None]))
"""


def _serial_run(path: Path, timeout: int) -> float | str:
    """One notebook executed alone: seconds, or what failed."""
    proc = subprocess.run([sys.executable, "-c", SERIAL_RUN, str(path), str(timeout)],
                          capture_output=True, text=True)
    try:
        seconds, error = json.loads(proc.stdout.strip().splitlines()[-1])
        return float(seconds) if error is None else f"failed: {error}"
    except (ValueError, IndexError):
        print(proc.stderr[-2000:], file=sys.stderr)
        return "failed: see the messages above"


def bench_notebooks(book: Path, pattern: str, timeout: int = 120,
                    rounds: int = 3) -> tuple[list[tuple[str, float | str]], dict]:
    """Execute each matching notebook of ``book`` alone, one after another, in ``rounds``
    rounds; per notebook the median of its rounds' seconds (or what failed), and every round's.

    Each runs in a fresh process through jupyter-cache's own ``single_nb_execution``, exactly as
    the book build executes a notebook (cwd = its folder), so the yardstick and the build time
    the same thing; the process start is not counted. Rounds, not repeats in a row: a stretch
    of slow disk or a busy neighbour then costs every notebook a little rather than one
    notebook all its runs (on this machine a library not read for a minute is read from disk
    again, which alone made one chapter 13 s slower in a single run).
    """
    paths = [path for pat in pattern.split(",") for path in sorted(book.glob(pat.strip()))]
    runs: dict[str, list[float | str]] = {str(p.relative_to(book)): [] for p in paths}
    for k in range(rounds):
        for path in paths:
            name = str(path.relative_to(book))
            runs[name].append(_serial_run(path, timeout))
            print(f"[bench] serial {name} (round {k + 1} of {rounds}): {runs[name][-1]}",
                  file=sys.stderr)
    rows: list[tuple[str, float | str]] = []
    for name, values in runs.items():
        failed = [v for v in values if isinstance(v, str)]
        rows.append((name, failed[0] if failed else statistics.median(values)))
    return rows, runs


# --- the book, in a fresh clone ------------------------------------------------------------
def clone_checkout(dest: Path) -> Path:
    """``git clone`` this checkout into ``dest``, with its tracked edits not committed yet."""
    subprocess.run(["git", "clone", "--quiet", "--no-hardlinks", str(ROOT), str(dest)], check=True)
    diff = subprocess.run(["git", "diff", "HEAD", "--binary"], cwd=ROOT, capture_output=True,
                          check=True).stdout
    if diff:
        subprocess.run(["git", "apply", "--whitespace=nowarn"], cwd=dest, input=diff, check=True)
    return dest


def fresh_clone(dest: Path) -> Path:
    """Clone this checkout into ``dest`` (tracked edits not committed yet applied on top), with
    the vendored widget JavaScript copied in so no npm download is timed."""
    # The clone builds with this checkout's .venv (book_env). Bring that up to date from here
    # first: were its stamp stale, tools/venv.sh in the clone would reinstall dlcourse into it
    # in editable mode *from the clone*, a temporary folder deleted after the run.
    subprocess.run(["bash", "tools/venv.sh"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    # The widget JavaScript too, untimed: in a checkout that never built the book, the first
    # timed build would otherwise include an npm download (15 s here, at the network's pace).
    subprocess.run(["bash", "tools/vendor_widgets.sh"], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)
    clone_checkout(dest)
    if (ROOT / "_static_vendor").is_dir():
        shutil.copytree(ROOT / "_static_vendor", dest / "_static_vendor")
    return dest


def book_env() -> dict[str, str]:
    """The build uses this checkout's .venv (tools/venv.sh honours DLCOURSE_VENV)."""
    env = dict(os.environ)
    env["DLCOURSE_VENV"] = str(ROOT / ".venv")
    return env


def build(book: Path, config: Path, out: Path, korean: bool = True,
          warm: bool = True) -> tuple[float, bool, str]:
    """``tools/build-book.sh`` in ``book``: (seconds, succeeded, log); ``korean=False``: the
    English site alone; ``warm=False``: a fresh kernel for every notebook."""
    start = time.perf_counter()
    env = book_env() | ({} if korean else {"DLCOURSE_BOOK_KOREAN": "0"}) \
        | ({} if warm else {"DLCOURSE_BOOK_WARM": "0"})
    proc = subprocess.run(["bash", "tools/build-book.sh", "--config", str(config),
                           "--path-output", str(out)], cwd=book, env=env,
                          capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        print(proc.stdout[-3000:] + proc.stderr[-3000:], file=sys.stderr)
    return seconds, proc.returncode == 0, proc.stdout + proc.stderr


def cache_seconds(cache_dir: Path, book: Path, rel: str) -> float | None:
    """Execution time of ``book/rel`` as stored in the build's jupyter-cache."""
    import nbformat
    from jupyter_cache import get_cache

    cache = get_cache(str(cache_dir))
    try:
        record = cache.match_cache_notebook(nbformat.read(book / rel, as_version=4))
    except KeyError:
        return None
    return record.data.get("execution_seconds")


def rounds_of(book: dict) -> int:
    """How many rounds the serial times of a run are the median of (1 for a run before rounds)."""
    return max((len(v) for v in (book.get("serial_runs") or {}).values()), default=1)


def edit_chapter(path: Path) -> None:
    """Change a chapter's code as an author would: a comment at the end of its last code cell."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    last = [c for c in nb.cells if c.cell_type == "code"][-1]
    last.source += "\n# edited by make bench"
    nbformat.write(nb, path)


def cold_config(book: Path, tmp: Path, name: str) -> Path:
    """A copy of the book's config whose execution cache is the empty folder ``tmp/name``."""
    config = yaml.safe_load((book / "_config.yml").read_text(encoding="utf-8"))
    config["execute"]["cache"] = str(tmp / name)
    # jupyter-book finds local extensions (book_ext/) relative to the config file: this copy
    # lives elsewhere, so their folders become absolute.
    local = (config.get("sphinx") or {}).get("local_extensions") or {}
    for ext, folder in local.items():
        local[ext] = str((book / folder).resolve())
    cfg = tmp / f"_config-{name}.yml"
    cfg.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return cfg


def korean_step(log: str) -> dict | None:
    """From a build's log: the seconds tools/i18n.py says the Korean site took, and how many
    notebooks its pass executed (myst-nb's "Executing notebook"; 0 when all came from the
    cache the English pass filled)."""
    found = re.search(r"\[i18n\] the Korean site took ([\d.]+) s", log)
    if not found or "loading translations [ko]" not in log:
        return None
    # Sphinx's own lines of the Korean pass follow its "loading translations [ko]" on stdout
    # (the log is stdout, then stderr; tools/i18n.py's markers may be on either).
    korean = log.split("loading translations [ko]", 1)[1]
    return {"seconds": float(found.group(1)), "executed": korean.count("Executing notebook"),
            "cached": korean.count("Using cached notebook")}


def bench_book(book: Path, tmp: Path, pattern: str, chapter: str, repeats: int = 3,
               rounds: int = 3) -> dict:
    """Serial notebook times, cold build, no-change rebuilds, one-chapter rebuild, in ``book``."""
    result: dict = {}
    result["serial"], result["serial_runs"] = bench_notebooks(book, pattern, rounds=rounds)
    cache_dir = tmp / "jupyter_cache"
    cfg = cold_config(book, tmp, "jupyter_cache")
    out = tmp / "out"
    print("[bench] cold book build (empty cache)", file=sys.stderr)
    seconds, ok, log = build(book, cfg, out)
    result["cold"] = (seconds, ok)
    result["cold_korean"] = korean_step(log)
    result["parallel"] = [line.split("[book]", 1)[1].strip() for line in log.splitlines()
                          if line.startswith("[book]")]
    print(f"[bench] cold build: {seconds:.1f} s ({'ok' if ok else 'FAILED'})", file=sys.stderr)
    if not ok:
        return result
    times = []
    for _ in range(repeats):
        seconds, ok, _ = build(book, cfg, out)
        times.append(seconds if ok else float("nan"))
    result["nochange"] = times
    print(f"[bench] rebuilds with nothing changed: {times}", file=sys.stderr)
    rel = next(iter(sorted(str(p.relative_to(book)) for p in book.glob(f"chapters/{chapter}*.ipynb"))),
               None)
    if rel:
        edit_chapter(book / rel)
        seconds, ok, _ = build(book, cfg, out)
        result["chapter"] = (rel, seconds, ok, cache_seconds(cache_dir, book, rel))
        print(f"[bench] rebuild after editing {rel}: {seconds:.1f} s", file=sys.stderr)
    return result


def bench_editions(book: Path, tmp: Path, both: dict | None = None) -> dict:
    """Cold builds, each from an empty cache: the English site alone, then both editions (or
    ``both``, bench_book's cold build of both, when it ran): {"english", "both": (s, ok),
    "korean": korean_step()}."""
    result: dict = {}
    print("[bench] cold build of the English site alone (empty cache)", file=sys.stderr)
    seconds, ok, _ = build(book, cold_config(book, tmp, "cache-english"), tmp / "out-english",
                           korean=False)
    result["english"] = (seconds, ok)
    print(f"[bench] English alone: {seconds:.1f} s ({'ok' if ok else 'FAILED'})", file=sys.stderr)
    if both and both.get("cold"):
        result["both"], result["korean"] = both["cold"], both.get("cold_korean")
        print("[bench] cold build with fresh kernels (DLCOURSE_BOOK_WARM=0)", file=sys.stderr)
        seconds, ok, _ = build(book, cold_config(book, tmp, "cache-fresh"), tmp / "out-fresh",
                               warm=False)
        result["fresh"] = (seconds, ok)
        print(f"[bench] fresh kernels: {seconds:.1f} s ({'ok' if ok else 'FAILED'})",
              file=sys.stderr)
        return result
    print("[bench] cold build of both editions (empty cache)", file=sys.stderr)
    seconds, ok, log = build(book, cold_config(book, tmp, "cache-both"), tmp / "out-both")
    result["both"], result["korean"] = (seconds, ok), korean_step(log)
    print(f"[bench] both editions: {seconds:.1f} s ({'ok' if ok else 'FAILED'})", file=sys.stderr)
    return result


# --- import dlcourse against import numpy ----------------------------------------------------
def bench_import(repeats: int = 15) -> dict:
    """Medians of fresh ``python -c "import X"`` processes, the two interleaved."""
    codes = {"numpy": "import numpy", "dlcourse": "import dlcourse",
             # what a chapter touches before its first figure: the NumPy parts (numpy included)
             "numpy_parts": "import dlcourse as dl; dl.functional, dl.nn, dl.optim, dl.data"}
    times: dict[str, list[float]] = {name: [] for name in codes}
    for _ in range(repeats):
        for name, code in codes.items():
            start = time.perf_counter()
            subprocess.run([sys.executable, "-c", code], check=True)
            times[name].append(time.perf_counter() - start)
    return {m: statistics.median(t) for m, t in times.items()} | {"repeats": repeats}


# --- make test from a fresh clone ------------------------------------------------------------
def bench_make_test(tmp: Path) -> tuple[float, int, Path]:
    """``make test`` (the README's command, what CI runs) in a fresh clone with its own .venv."""
    course = clone_checkout(tmp / "course")
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "DLCOURSE_VENV")}
    # uv's download cache starts empty, as on a newcomer's machine or CI (pip keeps none here)
    env["UV_CACHE_DIR"] = str(tmp / "uv-cache")
    log = ROOT / "test-artifacts" / "bench-make-test.log"
    log.parent.mkdir(exist_ok=True)
    print("[bench] make test in a fresh clone (long)", file=sys.stderr)
    start = time.perf_counter()
    with open(log, "w") as fh:
        code = subprocess.run(["make", "test"], cwd=course, env=env, stdout=fh,
                              stderr=subprocess.STDOUT).returncode
    return time.perf_counter() - start, code, log


# --- the report ------------------------------------------------------------------------------
def previous_figures() -> dict:
    """The figures of the last run (from the comment at the end of OUT), or issue 16's."""
    try:
        found = re.search(rf"<!-- {DATA_TAG}: (.*?) -->", OUT.read_text(encoding="utf-8"), re.S)
    except OSError:
        found = None
    if found:
        return json.loads(found.group(1))
    return dict(ISSUE16)


def figures(book: dict | None, imp: dict | None, full, editions: dict | None = None) -> dict:
    """The headline numbers of this run (None where not measured)."""
    fig: dict = {k: None for k in ISSUE16}
    if editions and editions["english"][1] and editions["both"][1]:
        fig["english_cold_s"] = editions["english"][0]
        fig["editions_ratio"] = editions["both"][0] / editions["english"][0]
    fig["source"] = "the previous `make bench`"
    if book:
        serial = [v for _, v in book.get("serial", []) if isinstance(v, float)]
        chapters = sorted((v, n) for n, v in book.get("serial", [])
                          if isinstance(v, float) and n.startswith("chapters/"))
        fig["serial_sum_s"] = sum(serial) if serial else None
        cold, ok = book.get("cold", (None, False))
        fig["cold_s"] = cold if ok else None
        if ok and serial:
            fig["cold_ratio"] = cold / sum(serial)
        if book.get("nochange"):
            fig["nochange_s"] = statistics.median(book["nochange"])
        if book.get("chapter") and book["chapter"][2] and book["chapter"][3]:
            fig["chapter_excess_s"] = book["chapter"][1] - book["chapter"][3]
        if chapters:
            fig["slowest_ratio"] = chapters[-1][0] / statistics.median(v for v, _ in chapters)
    if imp:
        fig["import_s"] = imp["dlcourse"]
        fig["import_ratio"] = imp["dlcourse"] / imp["numpy"]
    if full:
        seconds, code, _ = full
        fig["make_test_s"] = seconds
        if fig.get("cold_s"):
            fig["make_test_ratio"] = seconds / fig["cold_s"]
    return fig


def against(now, before, unit="") -> str:
    if now is None or before is None:
        return "" if before is None else f"{before:.2f}{unit}"
    return f"{before:.2f}{unit} ({now / before:.2f}x)" if before else ""


def render(info, load, note, conv, mlp, book, imp, full, fig, prev, editions=None) -> str:
    lines = ["# Benchmarks", "",
             "Measured by `make bench` (`tools/bench.sh`, which runs `tools/bench.py`); "
             "`tools/bench.sh --full` adds `make test` from a fresh clone. Re-run it after changing "
             "the chapters, the build or `dlcourse`, and commit this file. Ratios measured in one "
             "run are what the targets (issue 16) are about: absolute seconds differ twofold "
             "between 2-core machines. No test asserts on time.", "",
             "## Machine", "", "| | |", "|---|---|"]
    lines += [f"| {k} | {v} |" for k, v in info.items()]
    lines.append(f"| load average (1 min) at start / end | {load[0]:.2f} / {load[1]:.2f} |")
    if note:
        lines.append(f"| note | {note} |")

    def f(x, fmt=".1f", unit=""):
        return "not measured" if x is None else f"{x:{fmt}}{unit}"

    def met(ok):
        return "" if ok is None else ("yes" if ok else "**no**")

    lines += ["", "## Issue 16's targets, side by side in this run", "",
              f"Previous figures: {prev.get('source', '?')}; in brackets, this run over that one.",
              "", "| what | this run | target | met | previous |", "|---|---|---|---|---|"]
    cold_ok = fig["cold_ratio"] <= 0.6 if fig["cold_ratio"] is not None else None
    lines.append(f"| cold book build (empty cache) / sum of the notebooks' serial times "
                 f"(medians of {rounds_of(book or {})} round(s)) | "
                 f"{f(fig['cold_ratio'], '.2f', 'x')} ({f(fig['cold_s'], '.1f', ' s')} / "
                 f"{f(fig.get('serial_sum_s'), '.1f', ' s')}) | <= 0.6x | {met(cold_ok)} | "
                 f"{against(fig['cold_ratio'], prev.get('cold_ratio'), 'x')} |")
    executed = next((float(m.group(1)) for line in (book or {}).get("parallel", [])
                     for m in [re.match(r"executed in ([\d.]+) s", line)] if m), None)
    if executed is not None and fig["cold_s"]:
        lines.append(f"| of the cold build: the parallel notebook execution / the rest (set-up, "
                     f"Sphinx reading the cached outputs, writing the pages) | {executed:.1f} s / "
                     f"{fig['cold_s'] - executed:.1f} s | | | |")
    fresh = (editions or {}).get("fresh")
    if fresh and fresh[1] and fig.get("serial_sum_s"):
        lines.append(f"| the same cold build with a fresh kernel per notebook "
                     f"(`DLCOURSE_BOOK_WARM=0`, no warm kernels) / sum of the serial times | "
                     f"{fresh[0] / fig['serial_sum_s']:.2f}x ({fresh[0]:.1f} s) | | | |")
    nc = fig["nochange_s"]
    times = ", ".join(f"{t:.1f}" for t in (book or {}).get("nochange", []))
    lines.append(f"| rebuild, nothing changed (median of {times or '-'}) | {f(nc, '.1f', ' s')} | "
                 f"< 15 s | {met(None if nc is None else nc < 15)} | "
                 f"{against(nc, prev.get('nochange_s'), ' s')} |")
    ch = (book or {}).get("chapter")
    if ch:
        rel, seconds, ok, exec_s = ch
        excess = fig["chapter_excess_s"]
        lines.append(f"| rebuild after editing `{rel}`: build time - its execution time "
                     f"({seconds:.1f} s - {f(exec_s, '.1f', ' s')}) | {f(excess, '.1f', ' s')} | "
                     f"<= 15 s | {met(None if excess is None else excess <= 15)} | "
                     f"{against(excess, prev.get('chapter_excess_s'), ' s')} |")
    else:
        lines.append("| rebuild after editing one chapter | not measured | <= its execution + 15 s | | |")
    ir = fig["import_ratio"]
    detail = (f" ({imp['dlcourse']:.2f} s / {imp['numpy']:.2f} s, medians of {imp['repeats']})"
              if imp else "")
    lines.append(f"| `import dlcourse` / `import numpy`, fresh processes{detail} | "
                 f"{f(ir, '.2f', 'x')} | <= 2x | {met(None if ir is None else ir <= 2)} | "
                 f"{against(ir, prev.get('import_ratio'), 'x') or against(fig['import_s'], prev.get('import_s'), ' s')} |")
    if imp:
        parts = imp["numpy_parts"] / imp["numpy"]
        lines.append(f"| `import dlcourse as dl` and first use of `dl.functional`, `dl.nn`, "
                     f"`dl.optim`, `dl.data` / `import numpy` ({imp['numpy_parts']:.2f} s; "
                     f"not a target: the bare import no longer loads NumPy) | {parts:.2f}x | | | |")
    sr = fig["slowest_ratio"]
    lines.append(f"| slowest chapter / median chapter (serial, medians of "
                 f"{rounds_of(book or {})} round(s)) | {f(sr, '.2f', 'x')} | <= 2x | "
                 f"{met(None if sr is None else sr <= 2)} | {against(sr, prev.get('slowest_ratio'), 'x')} |")
    if full:
        seconds, code, log = full
        mr = fig["make_test_ratio"]
        lines.append(f"| `make test` from a fresh clone ({seconds / 60:.1f} min, exit {code}; "
                     f"log `{log.relative_to(ROOT)}`) / cold build | {f(mr, '.2f', 'x')} | <= 3x | "
                     f"{met(None if mr is None else mr <= 3)} | "
                     f"{against(seconds, prev.get('make_test_s'), ' s')} |")
        setup = re.search(r"\[test\] set up \(\.venv and Chromium\) in (\d+) s",
                          Path(log).read_text(encoding="utf-8", errors="replace"))
        if setup and fig["cold_s"]:
            lines.append(f"| of `make test`: setting up `.venv` (uv, empty download cache) and "
                         f"Chromium / cold build | {int(setup.group(1)) / fig['cold_s']:.2f}x "
                         f"({setup.group(1)} s) | | | |")
    else:
        lines.append("| `make test` from a fresh clone / cold build | not measured "
                     "(`tools/bench.sh --full`) | <= 3x | | |")

    if editions:
        er = fig.get("editions_ratio")
        (en_s, en_ok), (both_s, both_ok) = editions["english"], editions["both"]
        ko = editions.get("korean") or {}
        lines.append(
            f"| cold build of both editions (English + 한국어 under `ko/`) / the English site "
            f"alone, each from an empty cache ({both_s:.1f} s{'' if both_ok else ' FAILED'} / "
            f"{en_s:.1f} s{'' if en_ok else ' FAILED'}; the Korean step "
            f"{f(ko.get('seconds'), '.1f', ' s')}, notebooks it executed again: "
            f"{ko.get('executed', '?')}, taken from the cache: {ko.get('cached', '?')}) | "
            f"{f(er, '.2f', 'x')} | "
            f"<= {EDITIONS_TARGET}x | {met(None if er is None else er <= EDITIONS_TARGET)} | "
            f"{against(er, prev.get('editions_ratio'), 'x')} |")
    else:
        lines.append(f"| cold build of both editions / the English site alone | not measured "
                     f"(`--only editions`) | <= {EDITIONS_TARGET}x | | |")

    if book and book.get("serial"):
        chapters = sorted(((v, n) for n, v in book["serial"]
                           if isinstance(v, float) and n.startswith("chapters/")), reverse=True)
        median = statistics.median(v for v, _ in chapters) if chapters else None
        lines += ["", "## Notebooks", "",
                  "Serial: each alone in a fresh kernel, one after another (the yardstick); "
                  f"the median of {rounds_of(book)} round(s), each round's time in brackets. "
                  "In the cold build: as the parallel build measured it, with another notebook "
                  "running beside it.", "",
                  "| notebook | serial s | / median chapter | in the cold build | in the last "
                  "`make test` build |", "|---|---|---|---|---|"]
        tested = {}   # written by tests/test_notebooks.py from the newcomer build's cache
        for txt in (ROOT / "test-artifacts" / "notebook-times").glob("*.txt"):
            tested[txt.stem.replace("__", "/", 1) + ".ipynb"] = float(txt.read_text())
        parallel = {}
        for line in book.get("parallel", []):
            m = re.match(r"(\S+\.ipynb): ([\d.]+) s", line)
            if m:
                parallel[m.group(1)] = float(m.group(2))
        for name, value in book["serial"]:
            ratio = f"{value / median:.2f}x" if isinstance(value, float) and median and \
                name.startswith("chapters/") else ""
            shown = f"{value:.1f}" if isinstance(value, float) else value
            each = (book.get("serial_runs") or {}).get(name) or []
            if len(each) > 1 and isinstance(value, float):
                shown += " (" + ", ".join(f"{v:.1f}" if isinstance(v, float) else "failed"
                                          for v in each) + ")"
            par = f"{parallel[name]:.1f}" if name in parallel else ""
            test = f"{tested[name]:.1f}" if name in tested else ""
            lines.append(f"| {name} | {shown} | {ratio} | {par} | {test} |")
        summary = [line for line in book.get("parallel", []) if line.startswith(("executing", "executed"))]
        if summary:
            lines += ["", "The cold build's parallel step: " + "; ".join(summary) + "."]
        newcomer = ROOT / "test-artifacts" / "newcomer-build-seconds.txt"
        if newcomer.exists():   # written by tests/conftest.py
            lines += ["", f"The last `make test` here: its newcomer build (`make book -W` in a "
                      f"fresh clone, new `.venv` and npm download included, while other tests "
                      f"ran) took {float(newcomer.read_text()):.1f} s."]
    if conv:
        lines += ["", "## dlcourse against torch on the CPU", "",
                  "Median of repeated runs. Conv2d: batch 64, input 1x8x8, 16 filters 3x3, forward and "
                  "backward. MLP: 64-128-10 with ReLU, Adam, batch 32, one epoch over the 1,347 "
                  "digits training images, both through the same mini-batch loop.", "",
                  "| what | milliseconds | ratio to torch |", "|---|---|---|"]
        torch_conv = dict(conv)["torch Conv2d fwd+bwd (float32)"]
        for name, seconds in conv:
            lines.append(f"| {name} | {seconds * 1e3:.3f} | {seconds / torch_conv:.2f}x |")
        torch_mlp = mlp[1][1]
        for name, seconds in mlp:
            lines.append(f"| {name} | {seconds * 1e3:.1f} | {seconds / torch_mlp:.2f}x |")
        ratio = conv[0][1] / torch_conv
        lines += ["", f"Conv2d target (within {CONV_TARGET_RATIO:.0f}x of torch float32): "
                  f"{'met' if ratio <= CONV_TARGET_RATIO else 'NOT met'} ({ratio:.2f}x)."]
    # A part not measured this time keeps the previous run's figure for the next comparison.
    data = {k: (prev.get(k) if v is None else round(v, 3) if isinstance(v, float) else v)
            for k, v in fig.items()}
    lines += ["", f"<!-- {DATA_TAG}: {json.dumps(data, sort_keys=True)} -->"]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true",
                        help="also time `make test` in a fresh clone (tens of minutes)")
    parser.add_argument("--only", choices=["import", "conv", "book", "editions"],
                        action="append",
                        help="measure only these parts (repeatable); default: all")
    parser.add_argument("--notebooks", default="chapters/*.ipynb,exercises/*.ipynb",
                        help="comma-separated glob patterns of the serial runs (default: all)")
    parser.add_argument("--rounds", type=int, default=3,
                        help="rounds of the serial runs; each notebook's time is the median "
                             "of its rounds (default: 3)")
    parser.add_argument("--chapter", default="03",
                        help="the chapter edited for the one-chapter rebuild (default: 03)")
    parser.add_argument("--note", default="", help="a remark on the machine, e.g. its load")
    parser.add_argument("--out", type=Path, default=OUT, help="where to write (default: %(default)s)")
    parser.add_argument("--from-raw", type=Path, metavar="JSON",
                        help="write the report again from a run's test-artifacts/bench-raw.json")
    args = parser.parse_args(argv)
    only = set(args.only or ["import", "conv", "book", "editions"])
    if args.from_raw:
        raw = json.loads(args.from_raw.read_text())
        full = raw["full"] and (raw["full"][0], raw["full"][1], Path(raw["full"][2]))
        fig = figures(raw["book"], raw["import"], full, raw.get("editions"))
        text = render(raw["machine"], raw["load"], args.note or raw.get("note", ""),
                      raw["conv"], raw["mlp"], raw["book"], raw["import"], full, fig, raw["prev"],
                      raw.get("editions"))
        args.out.write_text(text, encoding="utf-8")
        print(text)
        return 0
    os.environ["DLCOURSE_NO_PROGRESS"] = "1"
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")   # as the build and the tests run
    import torch

    torch.manual_seed(0)
    info = machine()
    load_start = os.getloadavg()[0]
    prev = previous_figures()
    imp = conv = mlp = book = full = editions = None
    if "import" in only:
        print("[bench] import dlcourse vs import numpy", file=sys.stderr)
        imp = bench_import()
        print(f"[bench] {imp}", file=sys.stderr)
    if "conv" in only:
        print("[bench] dlcourse vs torch", file=sys.stderr)
        conv, mlp = bench_conv(), bench_mlp()
    if "book" in only:
        with tempfile.TemporaryDirectory(prefix="dlcourse-bench-") as tmp:
            clone = fresh_clone(Path(tmp) / "course")
            book = bench_book(clone, Path(tmp), args.notebooks, args.chapter,
                              rounds=args.rounds)
            if "editions" in only:
                editions = bench_editions(clone, Path(tmp), book)
    elif "editions" in only:
        with tempfile.TemporaryDirectory(prefix="dlcourse-bench-") as tmp:
            clone = fresh_clone(Path(tmp) / "course")
            editions = bench_editions(clone, Path(tmp))
    if args.full:
        with tempfile.TemporaryDirectory(prefix="dlcourse-bench-test-") as tmp:
            full = bench_make_test(Path(tmp))
    raw = ROOT / "test-artifacts" / "bench-raw.json"   # the raw measurements, for a look later
    raw.parent.mkdir(exist_ok=True)
    load = (load_start, os.getloadavg()[0])
    raw.write_text(json.dumps({"book": book, "import": imp, "conv": conv, "mlp": mlp,
                               "full": full and [full[0], full[1], str(full[2])],
                               "editions": editions,
                               "machine": info, "load": load, "note": args.note, "prev": prev},
                              indent=1))
    fig = figures(book, imp, full, editions)
    text = render(info, load, args.note, conv, mlp, book, imp, full, fig, prev, editions)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(text)
    print(f"[bench] wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
