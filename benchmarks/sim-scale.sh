#!/usr/bin/env bash
# A scale run of the simulator: an emulated cluster of N nodes with a Herald agent each (sharing one set of
# informers), S Services, P emulated peers. Prints the setup times, the time until every peer holds exactly the
# expected prefixes and routes, and the process's wall time and peak RSS.
#   benchmarks/sim-scale.sh [nodes=100,services=5000,peers=2] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
size=${1:-nodes=100,services=5000,peers=2}
runs=${2:-1}
./mvnw -B -q install -DskipTests
home=$(ls -d distribution/target/herald-*/ | head -1)
scenario=$(mktemp --suffix .yaml)
"$home/bin/herald" sim --generate "$size" -o "$scenario"
for i in $(seq "$runs"); do
  /usr/bin/time -f "run $i: wall %e s, peak RSS %M KB" "$home/bin/herald" sim --no-tables "$scenario" 2>&1 \
    | grep -E "^Scenario|^ok|^FAIL|^run "
done
rm -f "$scenario"
