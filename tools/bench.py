"""Benchmark the course: a cold book build, every notebook, and dlcourse against torch on the CPU.

Writes ``benchmarks/README.md`` (a Markdown table with the machine's description). Run it through
``make bench`` (``tools/bench.sh``), which sets up the environment first.

    python tools/bench.py                  # everything (several minutes)
    python tools/bench.py --skip-build     # no cold book build
    python tools/bench.py --skip-notebooks # no notebook execution
    python tools/bench.py --notebooks 'chapters/01_*'   # only matching notebooks

Targets (from the course's foundation issue): a cold build under 5 minutes on 2 cores, and
``dlcourse.nn.Conv2d`` forward+backward within 5x of torch.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "README.md"
BUILD_TARGET_S = 300
CONV_TARGET_RATIO = 5.0


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
        "date": dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
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

    def ours():
        model = dl.nn.Sequential(dl.nn.Linear(64, 128), dl.nn.ReLU(), dl.nn.Linear(128, 10))
        opt = dl.optim.Adam(model.parameters(), lr=1e-3)
        dl.train.fit(model, dl.nn.CrossEntropyLoss(), opt, X_train, y_train, epochs=1,
                     batch_size=32, progress=False)

    def theirs():
        torch.manual_seed(0)
        model = torch.nn.Sequential(torch.nn.Linear(64, 128), torch.nn.ReLU(), torch.nn.Linear(128, 10))
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)
        dl.train.fit(model, torch.nn.CrossEntropyLoss(), opt, X_train, y_train, epochs=1,
                     batch_size=32, progress=False)

    return [("dlcourse MLP, one digits epoch", median_time(ours, repeat=5, warmup=1)),
            ("torch MLP, one digits epoch (float32)", median_time(theirs, repeat=5, warmup=1))]


def bench_notebooks(pattern: str) -> list[tuple[str, float | str]]:
    """Execute each matching notebook in a fresh kernel; seconds, or the error."""
    sys.path.insert(0, str(ROOT / "tests"))
    from test_notebooks import run_notebook

    rows: list[tuple[str, float | str]] = []
    for pat in pattern.split(","):
        for path in sorted(ROOT.glob(pat.strip())):
            try:
                rows.append((str(path.relative_to(ROOT)), run_notebook(path)[0]))
            except Exception as exc:  # report, keep going
                rows.append((str(path.relative_to(ROOT)), f"failed: {type(exc).__name__}"))
            print(f"[bench] {rows[-1][0]}: {rows[-1][1]}", file=sys.stderr)
    return rows


def bench_cold_build() -> tuple[float, bool]:
    """Build the whole book from scratch (new output folder, empty execution cache)."""
    with tempfile.TemporaryDirectory(prefix="dlcourse-bench-") as tmp:
        config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
        config["execute"]["cache"] = str(Path(tmp) / "jupyter_cache")
        cfg = Path(tmp) / "_config.yml"
        cfg.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
        start = time.perf_counter()
        proc = subprocess.run(["bash", str(ROOT / "tools" / "build-book.sh"), "--config", str(cfg),
                               "--path-output", str(Path(tmp) / "out")], cwd=ROOT,
                              capture_output=True, text=True)
        seconds = time.perf_counter() - start
        if proc.returncode != 0:
            print(proc.stdout[-3000:] + proc.stderr[-3000:], file=sys.stderr)
        return seconds, proc.returncode == 0


def render(info, conv, mlp, notebooks, build) -> str:
    lines = ["# Benchmarks", "",
             "Measured by `make bench` (`tools/bench.sh`, which runs `tools/bench.py`). "
             "Re-run it after changing the chapters or `dlcourse`, and commit this file.", "",
             "## Machine", "", "| | |", "|---|---|"]
    lines += [f"| {k} | {v} |" for k, v in info.items()]
    lines += ["", "## The book", "", "| what | seconds | target | met |", "|---|---|---|---|"]
    if build is None:
        lines.append("| cold build (fresh output, empty cache) | not run (`--skip-build`) | < 300 | |")
    else:
        seconds, ok = build
        status = ("yes" if seconds < BUILD_TARGET_S else "no") if ok else "build failed"
        lines.append(f"| cold build (fresh output, empty cache) | {seconds:.1f} | < {BUILD_TARGET_S} | {status} |")
    newcomer = ROOT / "test-artifacts" / "newcomer-build-seconds.txt"
    if newcomer.exists():  # written by the test suite's newcomer build (tests/conftest.py)
        lines.append(f"| `make book -W` in a fresh clone, new `.venv` and npm download included, "
                     f"while the other tests ran (last `make test`) | {float(newcomer.read_text()):.1f} | | |")
    lines += ["", "## Notebooks (fresh kernel, top to bottom)", "", "| notebook | seconds | under 45 s |",
              "|---|---|---|"]
    if notebooks is None:
        lines.append("| (not run: `--skip-notebooks`) | | |")
    for name, value in notebooks or []:
        if isinstance(value, float):
            lines.append(f"| {name} | {value:.1f} | {'yes' if value < 45 else 'no'} |")
        else:
            lines.append(f"| {name} | {value} | no |")
    lines += ["", "## dlcourse against torch on the CPU", "",
              "Median of repeated runs. Conv2d: batch 64, input 1x8x8, 16 filters 3x3, forward and "
              "backward. MLP: 64-128-10 with ReLU, Adam, batch 32, one epoch over the 1,347 "
              "digits training images, both through `dl.train.fit`.", "",
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
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-build", action="store_true")
    parser.add_argument("--skip-notebooks", action="store_true")
    parser.add_argument("--notebooks", default="chapters/*.ipynb,exercises/*.ipynb",
                        help="comma-separated glob patterns (default: all)")
    args = parser.parse_args(argv)
    os.environ["DLCOURSE_NO_PROGRESS"] = "1"
    import torch

    torch.manual_seed(0)
    info = machine()
    print("[bench] dlcourse vs torch", file=sys.stderr)
    conv, mlp = bench_conv(), bench_mlp()
    notebooks = None if args.skip_notebooks else bench_notebooks(args.notebooks)
    build = None
    if not args.skip_build:
        print("[bench] cold book build (a few minutes)", file=sys.stderr)
        build = bench_cold_build()
    text = render(info, conv, mlp, notebooks, build)
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(text, encoding="utf-8")
    print(text)
    print(f"[bench] wrote {OUT.relative_to(ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
