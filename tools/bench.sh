#!/usr/bin/env bash
# Benchmark the course and write benchmarks/README.md (`make bench`).
# Measures issue 16's targets side by side in one run, in a fresh clone in a temporary folder
# (your _build and notebooks are left alone): every notebook executed serially, the cold book
# build (empty execution cache, notebooks in parallel), a rebuild with nothing changed, a
# rebuild after editing one chapter, `import dlcourse` against `import numpy`, the slowest
# chapters against the median one; and dlcourse against torch on the CPU.
# Usage: tools/bench.sh [--full] [--only import|conv|book] [--chapter 03] [--note "..."]
#   --full   also times `make test` in another fresh clone (its own .venv; tens of minutes)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
py=$(tools/venv.sh | tail -n 1)
# One BLAS/OpenMP thread per process, as the build and the tests run.
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
exec "$py" tools/bench.py "$@"
