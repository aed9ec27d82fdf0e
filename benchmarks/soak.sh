#!/usr/bin/env bash
# The soak under faults (issue 17): one agent (the distribution's bin/herald, run as the container runs it) with
# 10,001 routes to BIRD and to FRR in a network namespace, while their sessions are reset (restarts, killed
# connections, NOTIFICATIONs of several kinds), the API server is cut off, Services churn and the backend is swapped.
# After every fault both routers must hold exactly the desired table within 10 s; at the end heap after GC, RSS,
# threads, file descriptors and pending event-loop tasks may not exceed their reading after the first minute by more
# than 10 %. Stops by itself, prints every fault and the figures, exits non-zero when a check failed.
#   benchmarks/soak.sh [MINUTES]     (default 10; 1 for a short run while developing)
# Needs root (a network namespace, ss -K), bird2, frr and gobgpd. HERALD_BUILT=1: no build, run the last one.
# docs/performance.md has the figures, docs/robustness.md the faults.
set -euo pipefail
cd "$(dirname "$0")/.."
exec benchmarks/run-java.sh "-Xmx1g" dev.herald.bench.SoakBenchmark "${1:-10}"
