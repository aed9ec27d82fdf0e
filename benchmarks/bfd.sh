#!/usr/bin/env bash
# The BFD benchmark: Herald's BFD endpoint with N sessions at a fixed interval (multiplier 3), against a second
# Herald endpoint over loopback (herald) or a real BIRD 2 in a network namespace (bird, needs root). With "table", a
# native BGP speaker in the same JVM then sends a 100,000-route table to BIRD, and any BFD Down fails the run.
#   benchmarks/bfd.sh [herald|bird] [SESSIONS] [INTERVAL_MS] [SECONDS] [table]     (defaults herald 100 50 30)
# The JVM collects garbage as the agent does: serial, unless HERALD_JAVA_OPTS names another collector
# (HERALD_JAVA_OPTS=-XX:+UseShenandoahGC benchmarks/bfd.sh bird 100 50 30 table; docs/bfd.md).
# Prints the CPU of Herald's endpoint thread and of the peer (percent of one core); docs/performance.md has figures.
set -euo pipefail
exec "$(dirname "$0")/run-java.sh" "-Xmx512m ${HERALD_JAVA_OPTS:--XX:+UseSerialGC}" dev.herald.bench.BfdBenchmark \
  "${1:-herald}" "${2:-100}" "${3:-50}" "${4:-30}" ${5:+"$5"}
