#!/usr/bin/env bash
# Run the whole test suite (package, exercises, grader, every notebook, the book with -W).
# Sets up .venv on first use. Extra arguments go to pytest, e.g. tools/test.sh -m "not slow".
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
py=$(tools/venv.sh | tail -n 1)
exec "$py" -m pytest -n 2 "$@"
