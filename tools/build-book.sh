#!/usr/bin/env bash
# Build the website into _build/html. Sets up .venv and the offline JavaScript on first use.
# Usage: tools/build-book.sh [extra jupyter-book options, e.g. -W --keep-going]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
py=$(tools/venv.sh | tail -n 1)
bin=$(dirname "$py")
"$py" tools/make_glossary.py
"$bin/jupyter-book" build . "$@"
echo
echo "The book is in $root/_build/html. Open $root/_build/html/index.html in a browser,"
echo "or serve it: make serve  (then visit http://localhost:8000)"
