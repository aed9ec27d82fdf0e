#!/usr/bin/env bash
# Shared by the benchmark scripts: builds the project, then runs one benchmark class of integration-tests with its
# test class path.   benchmarks/run-java.sh "JVM OPTIONS" CLASS [ARGS...]
# HERALD_BUILT=1 runs the last build as it is, without Maven (the class path of the last run is reused).
set -euo pipefail
cd "$(dirname "$0")/.."
jvm_opts="$1"
main="$2"
shift 2
cp=integration-tests/target/benchmark-classpath.txt
if [ "${HERALD_BUILT:-0}" != 1 ] || [ ! -s "$cp" ]; then
  ./mvnw -B -q install -DskipTests
  ./mvnw -B -q -pl integration-tests dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$PWD/$cp"
fi
# shellcheck disable=SC2086 # the options are several words on purpose
exec java $jvm_opts -cp "integration-tests/target/test-classes:integration-tests/src/test/resources:$(cat "$cp")" \
  "$main" "$@"
