#!/usr/bin/env bash
# Create or refresh the project's virtual environment in .venv.
# Usage: scripts/ensure-venv.sh [EXTRA]   (EXTRA = "test" also installs the test tools)
# Re-installs only when setup.py (or the extra asked for) changed since the last run.
set -euo pipefail
cd "$(dirname "$0")/.."

extra="${1:-}"
python="${PYTHON:-python3}"
venv=".venv"

if ! command -v "$python" >/dev/null 2>&1; then
  echo "goblin needs Python 3.11 or newer; '$python' was not found (set PYTHON=...)." >&2
  exit 1
fi
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "goblin needs Python 3.11 or newer; $("$python" --version 2>&1) found (set PYTHON=...)." >&2
  exit 1
fi

if [ ! -x "$venv/bin/python" ]; then
  echo "Creating the virtual environment in $venv ..."
  "$python" -m venv "$venv"
fi

want="$(cat setup.py pyproject.toml | sha256sum | cut -c1-16)-${extra:-base}"
stamp="$venv/.goblin-installed"
have="$(cat "$stamp" 2>/dev/null || true)"
# A test install also covers the base install.
if [ "$have" = "$want" ] || { [ -z "$extra" ] && [ "$have" = "${want%-base}-test" ]; }; then
  exit 0
fi

echo "Installing goblin and its dependencies into $venv ..."
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
target="."
[ -n "$extra" ] && target=".[$extra]"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -e "$target"
echo "$want" > "$stamp"
