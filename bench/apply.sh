#!/usr/bin/env bash
# Applier benchmark (issues 7, 14): netc apply of 10,000 Services x 3 endpoints into a namespace, first apply,
# then one endpoint added/removed, applied incrementally and with --full, for nftables and iptables, over
# ROUNDS rounds (2 applies of each kind per round); prints the medians and incremental/full as a percentage.
# Needs root, ip, nft, iptables. Takes minutes. Usage: bench/apply.sh [services] [rounds] [backends, default nftables,iptables]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# the test JVM runs with the launcher's options (bin/jvm.options: heap and collector), as bin/netc apply does
mvn -q -B -Dstyle.color=never -pl e2e -am verify -Dgroups=bench -Dnetc.excludedGroups=none -DargLine="$(tr '\n' ' ' <bin/jvm.options)" \
  -Dtest=ApplyBench -Dsurefire.failIfNoSpecifiedTests=false -Dnetc.bench.services="${1:-10000}" \
  -Dnetc.bench.rounds="${2:-3}" -Dnetc.bench.backends="${3:-nftables,iptables}" \
  -DtrimStackTrace=true 2>&1 | grep -E '^BENCH|FAIL|Tests run' || true
grep -h '^BENCH' e2e/target/surefire-reports/*ApplyBench-output.txt 2>/dev/null || true
