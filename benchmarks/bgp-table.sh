#!/usr/bin/env bash
# The native speaker's table benchmark against a real BIRD 2 (apt-get install bird2):
# 100,000 IPv4 /32 + 10,000 IPv6 /128 to BIRD, against BIRD sending the same IPv4 table to BIRD.
#   benchmarks/bgp-table.sh [RUNS]    (default 3)
# Prints per-run lines and the medians; docs/performance.md has the figures.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${1:-3}"
./mvnw -B -q install -DskipTests
cp=$(mktemp)
./mvnw -B -q -pl integration-tests dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$cp"
# the benchmark's own heap figure needs a quiet, predictable collector
exec java -XX:+UseSerialGC -Xmx2g -cp "integration-tests/target/test-classes:integration-tests/src/test/resources:$(cat "$cp")" \
  dev.herald.bench.BgpTableBenchmark "$RUNS"
