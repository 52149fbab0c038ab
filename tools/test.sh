#!/usr/bin/env bash
# Run the whole test suite (package, exercises, grader, the book with -W built in a fresh clone,
# every notebook as that build executed it, and the site in headless Chromium).
# Sets up .venv on first use. Extra arguments go to pytest, e.g. tools/test.sh -m "not slow".
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
# Headless Chromium for tests/test_browser.py (apt-get, once) installs while tools/venv.sh sets
# up .venv: on a fresh machine neither has to wait for the other.
setup_start=$SECONDS
bash tools/browser.sh &
browser=$!
py=$(tools/venv.sh | tail -n 1) || { wait "$browser" || true; exit 1; }
wait "$browser"
echo "[test] set up (.venv and Chromium) in $((SECONDS - setup_start)) s" >&2
# A module that tools/venv.sh did not compile ahead is compiled once, by the first process that
# imports it, even where PYTHONDONTWRITEBYTECODE is set (some machines set it): hundreds of
# processes start in one run. (The grader's kernels keep it: their kernelspec sets it.)
unset PYTHONDONTWRITEBYTECODE
# One BLAS/OpenMP thread per process: two workers (and the kernels they start) on two cores
# would otherwise oversubscribe the CPU, and spinning threads slow everything down manyfold.
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
# Two workers. The newcomer book build (make book -W in a fresh clone) happens once per run,
# whichever worker needs it first (tests/conftest.py, a file lock); the tests that read it, the
# site, browser and notebook tests (xdist group "site"), run on one worker while the other runs
# the rest. The notebooks are executed once, by that build.
exec "$py" -m pytest -n 2 --dist loadgroup "$@"
