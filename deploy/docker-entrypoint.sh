#!/bin/sh
# The FMS container's entrypoint. Arguments are an `fms` command (`serve`, `migrate`,
# `user create --username … --role admin`, `backup`, `doctor` …); anything that is a program
# (sh, node) runs as given. With FMS_MIGRATE_ON_START=true, `serve` applies pending migrations
# first (fine for one container; with several, run `migrate` once instead, as compose.yaml does).
# Secrets need nothing here: FMS itself reads SECRET_KEY_FILE, DATABASE_URL_FILE and the like.
set -eu

fms_home=$(CDPATH='' cd -- "$(dirname -- "$0")/.." && pwd)

if [ "$#" -eq 0 ] || [ "${1#-}" != "$1" ] || ! command -v -- "$1" >/dev/null 2>&1; then
  if [ "${1:-}" = serve ] && [ "${FMS_MIGRATE_ON_START:-false}" = true ]; then
    node "$fms_home/bin/fms.js" migrate
  fi
  set -- node "$fms_home/bin/fms.js" "$@"
fi

# exec: node becomes the container's main process and receives `docker stop`'s SIGTERM itself.
exec "$@"
