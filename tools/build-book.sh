#!/usr/bin/env bash
# Build the course website into _build/html. This is the README's main command (`make book`).
#
# On a fresh machine it does all the set-up, each step skipped when already done:
#   1. the virtual environment .venv (tools/venv.sh: Python packages from pyproject.toml);
#   2. the ipywidgets JavaScript, so sliders work on the site with no network: npm installs
#      @jupyter-widgets/html-manager@1 and requirejs@2 into .cache/npm, and the files the
#      pages load are copied into _static_vendor/widgets/ (served as _build/html/_static/widgets/);
#   3. appendix/glossary.md, regenerated from glossary/chNN.yml, and the Colab set-up cell of
#      every notebook, kept in step with repository.url in _config.yml (tools/colab_cell.py),
#      the exercise cells (tools/exercise.py sync) and the Korean notebooks in ko/
#      (tools/ko_notebooks.py);
#   4. the notebooks whose code changed executed in parallel, one kernel per core, into the
#      execution cache (_build/.jupyter_cache, the one myst-nb reads; `execute:` in _config.yml),
#      each kernel forked from a process that imported ipykernel, NumPy, PyTorch and Matplotlib
#      once (tools/warm_kernel.py; DLCOURSE_BOOK_WARM=0: a fresh kernel for each);
#   5. jupyter-book build, which finds every notebook already executed in that cache and merges
#      the stored outputs into the pages (it executes a notebook itself only if step 4 failed
#      on it, and then reports the error as it always does);
#   6. the Korean edition (한국어판) into _build/html/ko, from the same notebooks and cache and
#      the catalogs in locales/ko/ (tools/i18n.py build).
#
# Usage: tools/build-book.sh [extra jupyter-book options]
#   tools/build-book.sh                      # what `make book` runs
#   tools/build-book.sh -W --keep-going      # warnings are errors (what the tests run)
#   tools/build-book.sh --path-output /tmp/x # build into /tmp/x/_build/html instead
# DLCOURSE_BOOK_JOBS=N sets the number of notebooks executed at once (default: the cores
# this process may use; 1 executes them one after another). DLCOURSE_BOOK_KOREAN=0 leaves out
# the Korean edition (step 6).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

py=$(tools/venv.sh | tail -n 1)
bin=$(dirname "$py")

# --- 2. widget JavaScript, vendored from npm (tools/vendor_widgets.sh) -----------------------
vendored=$(bash tools/vendor_widgets.sh)   # (a failure, say no npm, stops the build here)
rewrite_all=()   # new vendored files: have Sphinx write every page (and copy static files) again
if [ "$vendored" = new ]; then
  rewrite_all=(--all)
fi

# --- warm kernels for step 4 (tools/warm_kernel.py) ------------------------------------------
# A process that imports ipykernel, NumPy, PyTorch and Matplotlib once; step 4 forks each
# notebook's kernel from it instead of starting a fresh one. Started now so that its imports
# overlap step 3; stopped after step 4. DLCOURSE_BOOK_WARM=0: fresh kernels.
warm_pid=""
if [ "${DLCOURSE_BOOK_WARM:-1}" != 0 ] && [ -z "${DLCOURSE_WARM_KERNEL:-}" ]; then
  warm_dir=$(mktemp -d "${TMPDIR:-/tmp}/dlcourse-warm-XXXXXX")
  OMP_NUM_THREADS=${OMP_NUM_THREADS:-1} OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-1} \
    MKL_NUM_THREADS=${MKL_NUM_THREADS:-1} "$py" tools/warm_kernel.py serve "$warm_dir/s" \
    >/dev/null &
  warm_pid=$!
  trap 'kill "$warm_pid" 2>/dev/null || true; rm -rf "$warm_dir"' EXIT
  export DLCOURSE_WARM_KERNEL="$warm_dir/s"
fi

# --- 3. glossary page and the notebooks' Colab cell ----------------------------------------
"$py" tools/make_glossary.py
"$py" tools/colab_cell.py
"$py" tools/exercise.py sync
# The Korean notebooks committed in ko/ (the Korean pages' Colab and Binder buttons open them),
# written from the English ones (after the two steps above) and the catalogs in locales/ko/.
"$py" tools/ko_notebooks.py

# --- 4. notebooks executed in parallel into the execution cache ----------------------------
# One BLAS/OpenMP thread per kernel: several kernels on few cores would otherwise oversubscribe
# the CPU (the chapters already use one torch thread).
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-1} OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-1}
export MKL_NUM_THREADS=${MKL_NUM_THREADS:-1}
"$py" tools/execute_notebooks.py "$@"
if [ -n "$warm_pid" ]; then
  kill "$warm_pid" 2>/dev/null || true
  unset DLCOURSE_WARM_KERNEL
fi

# --- 5. the book -----------------------------------------------------------------------------
# Sphinx copies the static files (assets/css/*.css) only when it writes some page: after a
# change to them alone it would write nothing and keep the old copies. So a change to them (or
# to the page templates in assets/templates) makes it write every page again, once.
out_build="_build"
args=" $* "
if [[ "$args" == *" --path-output "* ]]; then
  out_build=$(echo "$args" | sed -E 's/.* --path-output +([^ ]+).*/\1/')/_build
fi
assets_stamp="$out_build/.dlcourse-assets"
assets_now=$(cat assets/css/* assets/templates/* 2>/dev/null | sha256sum | cut -c1-16)
if [ "$(cat "$assets_stamp" 2>/dev/null)" != "$assets_now" ]; then
  rewrite_all=(--all)
fi
# --- 6. the Korean edition, into _build/html/ko, beside the English one ------------------------
# Same notebooks, same execution cache (step 4 filled it: nothing is executed again), the prose
# from the catalogs locales/ko/LC_MESSAGES/*.po (English where a message is not translated yet),
# then the Korean notebooks behind its download buttons (tools/i18n.py, tools/ko_notebooks.py).
# Each Sphinx build uses one core, so the Korean one runs at the same time as the English one
# (its own doctrees, under _build/ko); its messages are shown after the English build's.
# DLCOURSE_BOOK_KOREAN=0 builds the English site alone (make bench's yardstick for this step).
korean_pid=""
if [ "${DLCOURSE_BOOK_KOREAN:-1}" != 0 ]; then
  korean_log=$(mktemp)
  "$py" tools/i18n.py build "${rewrite_all[@]}" "$@" > "$korean_log" 2>&1 &
  korean_pid=$!
fi
english_code=0
"$bin/jupyter-book" build . "${rewrite_all[@]}" "$@" || english_code=$?
if [ -n "$korean_pid" ]; then
  korean_code=0
  wait "$korean_pid" || korean_code=$?
  cat "$korean_log"
  rm -f "$korean_log"
  [ "$korean_code" = 0 ] || { echo "[book] the Korean edition failed (above)" >&2; exit "$korean_code"; }
fi
[ "$english_code" = 0 ] || exit "$english_code"
mkdir -p "$out_build" && echo "$assets_now" > "$assets_stamp"

out="$root/_build/html"
if [[ "$args" == *" --path-output "* ]]; then
  out="$out_build/html"
fi
echo
echo "The book is in $out"
if [ "${DLCOURSE_BOOK_KOREAN:-1}" != 0 ]; then
  echo "The Korean edition (한국어판) is in $out/ko"
fi
echo "Open $out/index.html in a browser, or serve it with: make serve"
echo "(then visit http://127.0.0.1:8000)"
