#!/usr/bin/env bash
# Run goblin on its embedded default: SQLite, media processed inside the web process.
# The first run installs everything into .venv and creates the database and data folder;
# later runs reuse them. Extra arguments go to pserve, in any order, e.g.
#   ./lazyserver.sh --server-name=broadcast      # listen on every interface
#   ./lazyserver.sh http_port=8080               # another port
set -euo pipefail
cd "$(dirname "$0")"

scripts/ensure-venv.sh

# Processing happens while the uploader waits, as the operator guide describes.
export CELERY_ALWAYS_EAGER=true

.venv/bin/gmg dbupdate

# pserve wants its options before any name=value variables: sort them so either order works.
options=()
variables=()
for argument in "$@"; do
  if [[ "$argument" != -* && "$argument" == *=* ]]; then
    variables+=("$argument")
  else
    options+=("$argument")
  fi
done
exec .venv/bin/pserve "${options[@]}" paste.ini "${variables[@]}"
