#!/usr/bin/env bash
# The controller's benchmark: Services in a Kubernetes API with watches (fabric8's mock) through the informers,
# the Service route source and the reconciler to a backend that records call times.
#   benchmarks/controller.sh [SERVICES] [CHANGES] [metrics]     (defaults 10000 and 1000; "metrics": every event
#   recorded as the agent records it, and /metrics scraped over HTTP every second)
# Prints the latency API write -> backend call at 100 changes/s (p50, p99) and the CPU of one Service change with
# 1,000 and with 100,000 advertised routes. docs/performance.md has the figures.
set -euo pipefail
cd "$(dirname "$0")/.."
exec benchmarks/run-java.sh "-XX:+UseSerialGC -Xmx4g" dev.herald.bench.ControllerBenchmark "${1:-10000}" "${2:-1000}" \
  "${3:-}"
