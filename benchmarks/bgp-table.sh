#!/usr/bin/env bash
# The native speaker's table benchmark against a real BIRD 2 (apt-get install bird2):
# 100,000 IPv4 /32 + 10,000 IPv6 /128 to BIRD, against BIRD sending the same IPv4 table to BIRD.
#   benchmarks/bgp-table.sh [RUNS]    (default 3)
# Prints per-run lines and the medians; docs/performance.md has the figures.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${1:-3}"
# the benchmark's own heap figure needs a quiet, predictable collector
exec benchmarks/run-java.sh "-XX:+UseSerialGC -Xmx2g" dev.herald.bench.BgpTableBenchmark "$RUNS"
