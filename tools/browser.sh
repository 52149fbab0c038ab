#!/usr/bin/env bash
# Make sure headless Chromium and its driver are installed, for the browser tests
# (tests/test_browser.py), with a Korean font so the screenshots show the Korean terms.
# Debian/Ubuntu: apt-get install chromium chromium-driver fonts-noto-cjk, as root (or through
# sudo). Idempotent: does nothing when all three are already there.
# Usage: tools/browser.sh
set -euo pipefail
have() { command -v "$1" >/dev/null 2>&1; }
korean_font() { fc-list :lang=ko 2>/dev/null | grep -q .; }
if { have chromium || have chromium-browser; } && have chromedriver && korean_font; then
  exit 0
fi
if ! have apt-get; then
  echo "[browser] install Chromium and chromedriver for the browser tests (no apt-get here)" >&2
  exit 0   # the browser tests then fail with the same advice
fi
sudo=""
if [ "$(id -u)" != 0 ]; then
  if have sudo; then sudo="sudo"; else
    echo "[browser] run as root: apt-get install chromium chromium-driver" >&2; exit 0
  fi
fi
echo "[browser] installing chromium, chromium-driver and a Korean font with apt-get (once)" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq >&2
$sudo apt-get install -y -qq --no-install-recommends chromium chromium-driver fonts-dejavu-core fonts-noto-cjk >&2
