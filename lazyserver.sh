#!/usr/bin/env bash
# Run goblin on its embedded default: SQLite, media processed inside the web process.
# The first run installs everything into .venv and creates the database and data folder;
# later runs reuse them. Extra arguments go to pserve, e.g.
#   ./lazyserver.sh --server-name=broadcast      # listen on every interface
#   ./lazyserver.sh http_port=8080               # another port
set -euo pipefail
cd "$(dirname "$0")"

scripts/ensure-venv.sh

# Processing happens while the uploader waits, as the operator guide describes.
export CELERY_ALWAYS_EAGER=true

.venv/bin/gmg dbupdate
exec .venv/bin/pserve paste.ini "$@"
