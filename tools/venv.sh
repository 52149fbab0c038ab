#!/usr/bin/env bash
# Create or reuse the course's virtual environment in .venv and make sure it is up to date.
# Idempotent: a stamp holding a hash of pyproject.toml and constraints.txt skips the install
# when nothing changed. Usage: tools/venv.sh   (prints the venv's python path on its last line)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
venv="${DLCOURSE_VENV:-$root/.venv}"
py="${PYTHON:-python3}"
if [ ! -x "$venv/bin/python" ]; then
  echo "[venv] creating $venv" >&2
  "$py" -m venv "$venv"
fi
want=$(cat "$root/pyproject.toml" "$root/constraints.txt" | sha256sum | cut -c1-16)
stamp="$venv/.dlcourse-stamp"
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "[venv] installing the course and its tools (about a minute the first time)" >&2
  "$venv/bin/python" -m pip install -q --disable-pip-version-check --upgrade pip 2>&1 | grep -v "^WARNING: Location" >&2 || true
  # torch first, from the pin, so nothing else can pull a CUDA build.
  "$venv/bin/python" -m pip install -q --disable-pip-version-check -c "$root/constraints.txt" torch 2>&1 | grep -v "^WARNING: Location" >&2 || true
  "$venv/bin/python" -m pip install -q --disable-pip-version-check -c "$root/constraints.txt" \
      -e "$root[torch,book,dev]" 2>&1 | grep -v "^WARNING: Location" >&2 || true
  "$venv/bin/python" -c "import dlcourse, torch, jupyter_book, pytest" \
      || { echo "[venv] the install failed; see the messages above" >&2; exit 1; }
  echo "$want" > "$stamp"
fi
echo "$venv/bin/python"
