#!/usr/bin/env bash
# CI: podman for building and running Herald's container image (deploy/container/) on a Debian 12 machine.
# Idempotent: a second run changes nothing. Expects `apt-get update` to have run (.ci/run does it).
#
# containers.conf: crun fails on a cgroup v1 layout and on setrlimit, so runc is the runtime and containers get no
# default ulimits (setting them fails on these machines).
set -euo pipefail
if [ "$(id -u)" -ne 0 ]; then exec sudo "$0" "$@"; fi
export DEBIAN_FRONTEND=noninteractive

packages=(podman runc mmdebstrap)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f '${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

conf=/etc/containers/containers.conf
mkdir -p "$(dirname "$conf")"
[ -f "$conf" ] || : > "$conf"

# set_key SECTION KEY VALUE: sets KEY = VALUE in [SECTION] of $conf, keeping everything else (comments, other
# keys, other sections). A key already there is replaced (with the continuation lines of a multi-line array); a
# missing section is appended.
set_key() {
  local tmp
  tmp=$(mktemp "$conf.XXXXXX")
  awk -v section="$1" -v key="$2" -v value="$3" '
    function emit() { print key " = " value; done = 1 }
    /^[ \t]*\[/ {
      if (in_section && !done) emit()
      hdr = $0; gsub(/[ \t]/, "", hdr)
      in_section = (hdr == "[" section "]")
      if (in_section) seen = 1
      print; next
    }
    skipping { if ($0 ~ /\]/) skipping = 0; next }
    in_section && $0 ~ "^[ \t]*" key "[ \t]*=" {
      if (done) next
      rest = $0; sub(/^[^=]*=[ \t]*/, "", rest)
      if (rest ~ /^\[/ && rest !~ /\]/) skipping = 1
      emit(); next
    }
    { print }
    END {
      if (in_section && !done) emit()
      else if (!seen) { if (NR > 0) print ""; print "[" section "]"; emit() }
    }' "$conf" > "$tmp"
  if cmp -s "$tmp" "$conf"; then rm -f "$tmp"; else chmod 644 "$tmp"; mv "$tmp" "$conf"; fi
}
set_key containers default_ulimits '[]'
set_key engine runtime '"runc"'

podman info --format 'podman {{.Version.Version}}: runtime {{.Host.OCIRuntime.Name}} ({{.Host.OCIRuntime.Path}}), cgroups {{.Host.CgroupsVersion}}'
