#!/usr/bin/env bash
# Applier benchmark (issue 7): netc apply of 10,000 Services x 3 endpoints into a namespace, first apply, then
# one Service added/removed applied incrementally and in full (nftables), and in full (iptables). Needs root,
# ip, nft, iptables. Usage: bench/apply.sh [services]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
mvn -q -B -Dstyle.color=never -pl e2e -am verify -Dgroups=bench -Dnetc.excludedGroups=none \
  -Dtest=ApplyBench -Dsurefire.failIfNoSpecifiedTests=false -Dnetc.bench.services="${1:-10000}" \
  -DtrimStackTrace=true 2>&1 | grep -E '^BENCH|FAIL|Tests run' || true
grep -h '^BENCH' e2e/target/surefire-reports/*ApplyBench-output.txt 2>/dev/null || true
