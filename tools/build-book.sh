#!/usr/bin/env bash
# Build the course website into _build/html. This is the README's main command (`make book`).
#
# On a fresh machine it does all the set-up, each step skipped when already done:
#   1. the virtual environment .venv (tools/venv.sh: Python packages from pyproject.toml);
#   2. the ipywidgets JavaScript, so sliders work on the site with no network: npm installs
#      @jupyter-widgets/html-manager@1 and requirejs@2 into .cache/npm, and the files the
#      pages load are copied into _static_vendor/widgets/ (served as _build/html/_static/widgets/);
#   3. appendix/glossary.md, regenerated from glossary/chNN.yml;
#   4. jupyter-book build (notebooks executed through the cache in _build/.jupyter_cache).
#
# Usage: tools/build-book.sh [extra jupyter-book options]
#   tools/build-book.sh                      # what `make book` runs
#   tools/build-book.sh -W --keep-going      # warnings are errors (what the tests run)
#   tools/build-book.sh --path-output /tmp/x # build into /tmp/x/_build/html instead
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

py=$(tools/venv.sh | tail -n 1)
bin=$(dirname "$py")

# --- 2. widget JavaScript, vendored from npm ------------------------------------------------
vendor="$root/_static_vendor/widgets"
npm_dir="$root/.cache/npm"
manager="$npm_dir/node_modules/@jupyter-widgets/html-manager/dist"
requirejs="$npm_dir/node_modules/requirejs/require.js"
if [ ! -f "$vendor/embed-amd.js" ] || [ ! -f "$vendor/require.min.js" ]; then
  if [ ! -f "$manager/embed-amd.js" ] || [ ! -f "$requirejs" ]; then
    command -v npm >/dev/null || {
      echo "[book] npm is needed once to fetch the ipywidgets JavaScript (install Node.js)" >&2
      exit 1
    }
    echo "[book] fetching the ipywidgets JavaScript with npm (once)" >&2
    mkdir -p "$npm_dir"
    npm install --silent --no-audit --no-fund --ignore-scripts --prefix "$npm_dir" \
        "@jupyter-widgets/html-manager@1" "requirejs@2" >&2
  fi
  rm -rf "$vendor" && mkdir -p "$vendor"
  # embed-amd.js loads its icon fonts from files next to itself: copy them along.
  cp "$manager/embed-amd.js" "$vendor/"
  for ext in woff2 woff ttf eot svg; do
    cp "$manager"/*."$ext" "$vendor/" 2>/dev/null || true
  done
  cp "$requirejs" "$vendor/require.min.js"
fi

# --- 3. glossary page ----------------------------------------------------------------------
"$py" tools/make_glossary.py

# --- 4. the book -----------------------------------------------------------------------------
"$bin/jupyter-book" build . "$@"

out="$root/_build/html"
args=" $* "
if [[ "$args" == *" --path-output "* ]]; then
  out=$(echo "$args" | sed -E 's/.* --path-output +([^ ]+).*/\1/')/_build/html
fi
echo
echo "The book is in $out"
echo "Open $out/index.html in a browser, or serve it with: make serve"
echo "(then visit http://127.0.0.1:8000)"
