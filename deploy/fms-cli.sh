#!/bin/sh
# `fms` for operators of a server set up with deploy/systemd/fms.service: runs /opt/fms/bin/fms.js
# as the fms user, in /opt/fms, with the service's configuration /etc/fms/fms.env (readable by root
# only), so every command sees exactly what the server sees. Install:
#   install -m 755 /opt/fms/deploy/fms-cli.sh /usr/local/bin/fms
# then, e.g.:  sudo fms migrate   sudo fms doctor   sudo fms user create --username head --role admin
# fms.env is read as shell assignments: keep to KEY=value lines, quoting values that hold spaces.
set -eu

FMS_HOME=${FMS_HOME:-/opt/fms}
FMS_ENV=${FMS_ENV:-/etc/fms/fms.env}
FMS_USER=${FMS_USER:-fms}
NODE=${NODE:-/usr/bin/node}

if [ "$(id -u)" -ne 0 ]; then
  echo "fms: run it as root (sudo fms $*): $FMS_ENV is readable by root only" >&2
  exit 1
fi
if [ ! -r "$FMS_ENV" ]; then
  echo "fms: $FMS_ENV is missing: create it (docs/deployment.md, \"Configure\")" >&2
  exit 1
fi

set -a
# shellcheck disable=SC1090
. "$FMS_ENV"
set +a
cd "$FMS_HOME"
exec runuser -u "$FMS_USER" -- "$NODE" "$FMS_HOME/bin/fms.js" "$@"
