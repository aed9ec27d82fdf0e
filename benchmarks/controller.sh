#!/usr/bin/env bash
# The controller's benchmark: Services in a Kubernetes API with watches (fabric8's mock) through the informers,
# the Service route source and the reconciler to a backend that records call times.
#   benchmarks/controller.sh [SERVICES] [CHANGES]     (defaults 10000 and 1000)
# Prints the latency API write -> backend call at 100 changes/s (p50, p99) and the CPU of one Service change with
# 1,000 and with 100,000 advertised routes. docs/performance.md has the figures.
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -q install -DskipTests
cp=$(mktemp)
./mvnw -B -q -pl integration-tests dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$cp"
exec java -XX:+UseSerialGC -Xmx4g -cp "integration-tests/target/test-classes:integration-tests/src/test/resources:$(cat "$cp")" \
  dev.herald.bench.ControllerBenchmark "${1:-10000}" "${2:-1000}"
