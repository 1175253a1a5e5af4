#!/usr/bin/env bash
# The commands both CI templates run, so that what CI does can be run (and is tested) locally.
#   docs/ci/conformance-job.sh shard   one shard of the run (GTEST_TOTAL_SHARDS and
#                                      GTEST_SHARD_INDEX say which; without them, the whole run)
#   docs/ci/conformance-job.sh merge   one JUnit, HTML and coverage report from every shard's results
# Environment: CONFORM_SPEC, CONFORM_TARGET, CONFORM_TOKEN (the API key, from the CI's secret
# store), CONFORM_SEED (one seed for all shards; default 1), CONFORM (the program; default
# conform), REPORTS (default reports), CONFORM_WAIT (seconds to wait for a target that is still
# starting, such as a mock started in the same job; default 0).
set -euo pipefail
conform="${CONFORM:-conform}"
reports="${REPORTS:-reports}"
mkdir -p "$reports"
case "${1:-}" in
  shard)
    index="${GTEST_SHARD_INDEX:-0}"
    "$conform" run --spec "$CONFORM_SPEC" --target "$CONFORM_TARGET" --seed "${CONFORM_SEED:-1}" \
      --wait-for-target "${CONFORM_WAIT:-0}" --junit "$reports/junit-$index.xml" \
      --results "$reports/results-$index.json" -q
    ;;
  merge)
    "$conform" merge --junit "$reports/junit.xml" --html "$reports/conformance.html" \
      --coverage "$reports/coverage.json" \
      "$reports"/results-*.json
    ;;
  *)
    echo "usage: $0 shard|merge" >&2
    exit 2
    ;;
esac
