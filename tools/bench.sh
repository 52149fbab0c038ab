#!/usr/bin/env bash
# Benchmark the course and write benchmarks/README.md (`make bench`).
# Times a cold book build (fresh output folder and empty execution cache, in a temporary
# folder: your _build is left alone), the execution of every notebook, and dlcourse against
# torch on the CPU (Conv2d forward+backward, one MLP epoch on the digits).
# Usage: tools/bench.sh [--skip-build] [--skip-notebooks] [--notebooks 'chapters/01_*']
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
py=$(tools/venv.sh | tail -n 1)
exec "$py" tools/bench.py "$@"
