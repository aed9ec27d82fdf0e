#!/usr/bin/env bash
# What a Prometheus scrape costs the agent (apt-get install bird2): the native server advertising 110,000 routes to
# 4 Established peers (3 BIRDs, one also over IPv6), every Herald metric registered as in the agent.
#   benchmarks/metrics.sh [SCRAPES]     (default 2000)
# Prints the CPU of collecting and formatting one scrape (mean, p50, p99) and the wall time of scrapes over HTTP.
# The controller's latency with metrics on: benchmarks/controller.sh 10000 1000 metrics. docs/performance.md has the
# figures.
set -euo pipefail
cd "$(dirname "$0")/.."
exec benchmarks/run-java.sh "-XX:+UseSerialGC -Xmx2g" dev.herald.bench.MetricsBenchmark "${1:-2000}"
