#!/usr/bin/env bash
# Create or reuse the course's virtual environment in .venv and make sure it is up to date.
# Idempotent: a stamp holding a hash of the pyproject.toml files and constraints.txt skips it
# when nothing changed. Usage: tools/venv.sh   (prints the venv's python path on its last line)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
venv="${DLCOURSE_VENV:-$root/.venv}"
py="${PYTHON:-python3}"
if [ ! -x "$venv/bin/python" ]; then
  echo "[venv] creating $venv" >&2
  "$py" -m venv "$venv"
fi
want=$(cat "$root/pyproject.toml" "$root/constraints.txt" "$root/book_ext/pyproject.toml" \
       | sha256sum | cut -c1-16)
stamp="$venv/.dlcourse-stamp"
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "[venv] installing the course and its tools (about a minute the first time)" >&2
  # pip's own notes about unreadable index locations are noise here; anything else is shown.
  quiet() { "$@" 2>&1 | { grep -v "^WARNING: Location" || true; } >&2; }   # (pipefail is on)
  pip_install() {
    quiet "$venv/bin/python" -m pip install -q --disable-pip-version-check "$@" \
        || { echo "[venv] pip install $* failed; see the messages above" >&2; exit 1; }
  }
  # uv installs what pip would, from the same constraints, in about half the time (it unpacks
  # in parallel: 55.7 s from nothing against 90.9 s); pip does it where uv can't. torch comes
  # as the file pip itself picks (this machine's CPU build from local disk, by pip's own
  # configuration), so nothing else can pull a CUDA build. Files are hard-linked from uv's
  # cache (uv's own default on Linux; a copy where the cache is on another file system):
  # copying them wrote 1.3 to 2 GB more and took 38.5-44.3 s where linking took 25.9-32.7 s
  # (warm cache, same machine, alternated).
  wheels=$(mktemp -d)
  trap 'rm -rf "$wheels"' EXIT   # the torch file (190 MB), whichever way this ends
  if ! { quiet "$venv/bin/python" -m pip install -q --disable-pip-version-check \
             -c "$root/constraints.txt" uv \
         && quiet "$venv/bin/python" -m pip download -q --disable-pip-version-check --no-deps \
             -c "$root/constraints.txt" torch -d "$wheels" \
         && "$venv/bin/uv" pip install -q --python "$venv/bin/python" \
             -c "$root/constraints.txt" "$wheels"/torch-*.whl \
             -e "$root[torch,book,dev]" -e "$root/book_ext"; }; then
    echo "[venv] uv could not install; installing with pip instead" >&2
    pip_install --upgrade pip
    # torch first, from the pin, so nothing else can pull a CUDA build.
    pip_install -c "$root/constraints.txt" torch
    pip_install -c "$root/constraints.txt" -e "$root[torch,book,dev]"
    # The website's own build extensions (book_ext/: not part of the package learners install).
    pip_install -c "$root/constraints.txt" -e "$root/book_ext"
  fi
  # The check that the install worked also compiles the bytecode of what the course's processes
  # import, even where PYTHONDONTWRITEBYTECODE is set: about 4,400 of the 12,200 .py files, in
  # two processes of about the same length (PyTorch's side, and the kernels', the book build's
  # and the tests' other modules). uv's --compile-bytecode compiled all 12,200 files: 40
  # CPU-seconds, 19.5 s of a 27.4 s install on 2 cores. This whole script, from nothing, takes
  # 28.7-30.6 s this way against 46.1-53.7 s that way (same machine, alternated, 2026-12-03).
  # A module left out is compiled when it is first imported (by every process that imports it,
  # where the variable is set).
  warm() { env -u PYTHONDONTWRITEBYTECODE PYDEVD_DISABLE_FILE_VALIDATION=1 "$venv/bin/python" -c "
import importlib, sys
for name in sys.argv[2:]:
    try:
        importlib.import_module(name)
    except Exception as exc:  # a module this platform lacks: compiled when (if) it is used
        print(f'[venv] (not compiled ahead: {name}: {exc})', file=sys.stderr)
import $1" "$@"; }
  # (torch._dynamo, with SymPy: what the first step of a torch.optim optimizer imports, 820
  # modules; left out, they were compiled again by every process that stepped one)
  warm "torch" torch torch.optim torch._dynamo & torch_side=$!
  warm "dlcourse, dlcourse_book, jupyter_book, pytest, selenium" dlcourse.nn dlcourse.optim \
       dlcourse.functional dlcourse.data dlcourse.plot dlcourse.grading.batch numpy \
       matplotlib.pyplot matplotlib_inline.backend_inline ipykernel.kernelapp \
       ipykernel.ipkernel ipykernel.debugger ipywidgets sklearn.datasets sklearn.metrics \
       sklearn.model_selection scipy.signal PIL.Image jupyter_book.cli.main \
       sphinx.application sphinx.builders.html myst_nb.sphinx_ext myst_parser \
       sphinx_book_theme pydata_sphinx_theme sphinxcontrib.bibtex sphinx_design \
       sphinx_copybutton sphinx_togglebutton sphinx_thebe sphinx_comments sphinx_external_toc \
       sphinx_jupyterbook_latex sphinx_multitoc_numbering sphinx-mathjax-offline \
       dlcourse_book.sphinxext jupyter_cache.executors nbclient jupytext xdist \
       selenium.webdriver.chrome.webdriver && other_side=0 || other_side=1
  if ! wait "$torch_side" || [ "$other_side" != 0 ]; then
    echo "[venv] the install failed; see the messages above" >&2
    exit 1
  fi
  echo "$want" > "$stamp"
fi
echo "$venv/bin/python"
