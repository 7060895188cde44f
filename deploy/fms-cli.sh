#!/bin/sh
# `fms` for operators of a server set up with deploy/systemd/fms.service: runs /opt/fms/bin/fms.js
# as the fms user, in /opt/fms, with the service's configuration /etc/fms/fms.env (readable by root
# only), so every command sees exactly what the server sees. Install:
#   install -m 755 /opt/fms/deploy/fms-cli.sh /usr/local/bin/fms
# then, e.g.:  sudo fms migrate   sudo fms doctor   sudo fms user create --username head --role admin
#
# fms.env is read the way systemd's EnvironmentFile= reads it (systemd.exec(5)), never run as
# shell: a `$`, a backtick or a quote in a password arrives as written, for the server and for
# this command alike. Tested by test/deploy/fms-cli.test.ts.
set -eu

# Whatever root's umask is: backups, a restored database and uploads, an SQLite file created by
# `fms migrate` are FMS's alone, as under the units' UMask=.
umask 077

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

# systemd before 254 also swallowed the line after a comment ending in a backslash; follow the
# systemd that reads the same file for the service.
systemd_version=$(systemctl --version 2>/dev/null | awk 'NR == 1 { print $2 + 0 }') || systemd_version=0
[ -n "$systemd_version" ] || systemd_version=0
# awk reads lines; whether the last one ended in a newline matters inside an open quote.
final_newline=1
[ -z "$(tail -c 1 "$FMS_ENV")" ] || final_newline=0

# The parser of systemd's env-file.c, state for state: prints each assignment single-quoted for the
# shell ('KEY=value', with ' as '\''), later assignments replacing earlier ones. Names that are not
# [A-Za-z_][A-Za-z0-9_]* are dropped with a warning, as systemd drops them when the unit starts.
# shellcheck disable=SC2016
assignments=$(awk -v q="'" -v file="$FMS_ENV" -v systemd="$systemd_version" -v final_newline="$final_newline" '
function warn(text) { printf "fms: warning: %s line %d: %s\n", file, line, text > "/dev/stderr" }
function is_space(c) { return c == " " || c == "\t" || c == "\n" || c == "\r" }
function is_newline(c) { return c == "\n" || c == "\r" }
function quoted(s,   out, i) {
  out = ""
  while ((i = index(s, q)) > 0) { out = out substr(s, 1, i - 1) q "\\" q q; s = substr(s, i + 1) }
  return q out s q
}
function push(chomp,   k, v) {
  k = key_ws >= 0 ? substr(key, 1, key_ws) : key
  v = chomp && value_ws >= 0 ? substr(value, 1, value_ws) : value
  if (k !~ /^[A-Za-z_][A-Za-z0-9_]*$/) { warn("\"" k "\" is not a variable name; ignored, as systemd ignores it"); return }
  if (!(k in values)) order[count++] = k
  values[k] = v
}
{ text = text $0 "\n" }
END {
  if (!final_newline && text != "") text = substr(text, 1, length(text) - 1)
  state = "pre_key"; line = 0; c = "\n"; n = length(text)
  for (p = 1; p <= n; p++) {
    if (c == "\n") line++
    c = substr(text, p, 1)
    if (state == "pre_key") {
      if (c == "#" || c == ";") state = "comment"
      else if (!is_space(c)) { state = "key"; key = c; key_ws = -1 }
    } else if (state == "key") {
      if (is_newline(c)) { warn("\"" key "\" has no \"=\"; ignored, as systemd ignores it"); state = "pre_key" }
      else if (c == "=") { state = "pre_value"; value = ""; value_ws = -1 }
      else {
        if (!is_space(c)) key_ws = -1
        else if (key_ws < 0) key_ws = length(key)
        key = key c
      }
    } else if (state == "pre_value") {
      if (is_newline(c)) { push(0); state = "pre_key" }
      else if (c == q) state = "single_quote"
      else if (c == "\"") state = "double_quote"
      else if (c == "\\") state = "value_escape"
      else if (!is_space(c)) { state = "value"; value = value c }
    } else if (state == "value") {
      if (is_newline(c)) { push(1); state = "pre_key" }
      else if (c == "\\") { state = "value_escape"; value_ws = -1 }
      else {
        if (!is_space(c)) value_ws = -1
        else if (value_ws < 0) value_ws = length(value)
        value = value c
      }
    } else if (state == "value_escape") {
      state = "value"
      if (!is_newline(c)) value = value c
    } else if (state == "single_quote") {
      if (c == q) state = "pre_value"
      else value = value c
    } else if (state == "double_quote") {
      if (c == "\"") state = "pre_value"
      else if (c == "\\") state = "double_quote_escape"
      else value = value c
    } else if (state == "double_quote_escape") {
      state = "double_quote"
      if (c == "\"" || c == "\\" || c == "`" || c == "$") value = value c
      else if (c != "\n") value = value "\\" c
    } else if (state == "comment") {
      if (c == "\\") state = "comment_escape"
      else if (is_newline(c)) { state = "pre_key" }
    } else if (state == "comment_escape") {
      if (is_newline(c)) {
        if (systemd > 0 && systemd < 254) { state = "comment"; warn("the comment ends in a backslash, so systemd " systemd " ignores the next line too; so does fms") }
        else { state = "pre_key"; warn("the comment ends in a backslash; systemd before 254 would ignore the next line too") }
      } else state = "comment"
    }
  }
  if (state == "pre_value" || state == "value" || state == "value_escape" || state == "single_quote" || state == "double_quote" || state == "double_quote_escape") push(state == "value")
  for (i = 0; i < count; i++) printf " %s", quoted(order[i] "=" values[order[i]])
}' "$FMS_ENV")

cd "$FMS_HOME"
# Only the quoted words awk printed reach the shell's parser: the values are never expanded.
eval "exec runuser -u \"\$FMS_USER\" -- env$assignments \"\$NODE\" \"\$FMS_HOME/bin/fms.js\" \"\$@\""
