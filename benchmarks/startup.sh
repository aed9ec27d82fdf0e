#!/usr/bin/env bash
# Cold and warm start of the distribution, and its size.
#   benchmarks/startup.sh [RUNS]     (after ./mvnw -B install -DskipTests)
# Cold: a fresh copy of the folder (empty data/, so every bundle is installed into a new cache).
# Warm: the same copy started again (bundles come from the cache).
# Time = from launching bin/herald until /bundles shows every bundle active (fragments resolved). Without a
# Kubernetes cluster the agent is never "ready" (the controller waits for the cluster), so readiness is not used.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${1:-5}"
dist=$(ls -d distribution/target/herald-*/ | head -n1); dist=${dist%/}
[ -x "$dist/bin/herald" ] || { echo "build first: ./mvnw -B install -DskipTests" >&2; exit 1; }
work=$(mktemp -d); trap '[ "${KEEP:-0}" = 1 ] || rm -rf "$work"' EXIT
port=18179

ms() { date +%s%3N; }

all_active() { # every bundle Active or Fragment, per the status API
  local body states ok
  body=$(curl -sf --max-time 1 "http://127.0.0.1:$port/bundles") || return 1
  states=$(grep -c '"state"' <<<"$body")
  ok=$(grep -cE '"state" : "(Active|Fragment)"' <<<"$body")
  [ "$states" -gt 0 ] && [ "$states" -eq "$ok" ]
}

start_once() { # HOME -> prints ms until every bundle is active, then stops the agent
  local home=$1 t0 t1 pid
  sed -i "s/^status.address.*/status.address = 127.0.0.1:$port/" "$home/etc/herald.cfg"
  t0=$(ms)
  "$home/bin/herald" >"$home/stdout.txt" 2>&1 & pid=$!
  for _ in $(seq 1 600); do
    if all_active; then break; fi
    sleep 0.02
  done
  t1=$(ms)
  all_active || { echo "bundles not all active, see $home/stdout.txt" >&2; kill "$pid"; exit 1; }
  kill -TERM "$pid"; wait "$pid" || { echo "agent exited non-zero after SIGTERM" >&2; exit 1; }
  echo $((t1 - t0))
}

cold=(); warm=()
for i in $(seq 1 "$RUNS"); do
  cp -r "$dist" "$work/h$i"
  cold+=("$(start_once "$work/h$i")")
  warm+=("$(start_once "$work/h$i")")
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo "runs: $RUNS"
echo "cold start to ready (ms): ${cold[*]}  median $(median "${cold[@]}")"
echo "warm start to ready (ms): ${warm[*]}  median $(median "${warm[@]}")"
echo "bundles in system/: $(ls "$dist"/system/*.jar | wc -l)"
echo "folder size: $(du -sh --exclude=data --exclude=log "$dist" | cut -f1)"
echo "tar.gz size: $(du -h "$dist.tar.gz" | cut -f1)"
