#!/usr/bin/env bash
# Run the whole test suite (package, exercises, grader, every notebook, the book with -W built
# in a fresh clone, and the site in headless Chromium).
# Sets up .venv on first use. Extra arguments go to pytest, e.g. tools/test.sh -m "not slow".
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
py=$(tools/venv.sh | tail -n 1)
# One BLAS/OpenMP thread per process: two workers (and the kernels they start) on two cores
# would otherwise oversubscribe the CPU, and spinning threads slow everything down manyfold.
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
bash tools/browser.sh   # headless Chromium for tests/test_browser.py (apt-get, once)
# Two workers; the tests that share the built website (xdist group "site") run on one of them.
exec "$py" -m pytest -n 2 --dist loadgroup "$@"
