#!/usr/bin/env bash
# Install the test dependencies into .venv, check style with ruff and run the whole suite.
# Extra arguments go to pytest, e.g. ./runtests.sh tests/unit -k config
set -euo pipefail
cd "$(dirname "$0")"

scripts/ensure-venv.sh test

.venv/bin/ruff check .
.venv/bin/ruff format --check .

workers="${GOBLIN_TEST_WORKERS:-2}"
exec .venv/bin/pytest -n "$workers" "$@"
