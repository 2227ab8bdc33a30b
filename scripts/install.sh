#!/usr/bin/env bash
# Install asepred and every dependency, pinned by requirements.lock, into ./.venv (idempotent).
set -euo pipefail
cd "$(dirname "$0")/.."

python=${PYTHON:-}
if [ -z "$python" ]; then
  for candidate in python3.11 python3 python; do
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then
      python=$candidate
      break
    fi
  done
fi
if [ -z "$python" ]; then
  echo "asepred needs Python 3.11 (set PYTHON=/path/to/python3.11)" >&2
  exit 1
fi

if [ ! -x .venv/bin/python ]; then
  "$python" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade "pip>=25,<26"
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
.venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
# pip compiles the installed packages to bytecode; an editable install's own folders it does not. Compiled here, so
# that every start (a help, a server's workers) reads bytecode even where PYTHONDONTWRITEBYTECODE is set
# (docs/performance.md, "Start-up"); a module edited later is recompiled as Python always does.
.venv/bin/python - <<'PY'
import compileall, sys, tomllib
folders = tomllib.load(open("pyproject.toml", "rb"))["tool"]["setuptools"]["package-dir"].values()
sys.exit(0 if all(compileall.compile_dir(folder, quiet=1, workers=0) for folder in folders) else 1)
PY
echo "asepred installed in .venv ($(.venv/bin/python --version))" >&2

# The browser tests (tests/serving/test_ui.py) drive Debian's Chromium through Playwright; never `playwright install`.
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing Debian's chromium for the browser tests" >&2
    if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }; then
      echo "note: apt-get could not install chromium; the browser tests will be skipped (and fail under CI=1)" >&2
    fi
  else
    echo "note: /usr/bin/chromium is missing and cannot be installed here (needs root and apt-get);" \
      "the browser tests will be skipped: run 'apt-get install chromium' as root" >&2
  fi
fi
