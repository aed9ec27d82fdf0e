#!/usr/bin/env bash
# The BFD benchmark: two Herald BFD endpoints in one JVM with N sessions between them over loopback.
#   benchmarks/bfd.sh [SESSIONS] [INTERVAL_MS] [SECONDS]     (defaults 100, 50, 30)
# Prints the CPU of each endpoint's event loop thread (percent of one core); docs/bfd.md has the figures.
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -q install -DskipTests
cp=$(mktemp)
./mvnw -B -q -pl integration-tests dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$cp"
exec java -Xmx512m -cp "integration-tests/target/test-classes:integration-tests/src/test/resources:$(cat "$cp")" \
  dev.herald.bench.BfdBenchmark "${1:-100}" "${2:-50}" "${3:-30}"
