#!/usr/bin/env bash
# Datapath benchmark (issue 4): N = 10, 1000, 10000 Services x 3 endpoints, loaded with iptables and nftables
# into a namespace cluster; prints compile time, rule lines, load time and new TCP connections per second.
# Needs root, ip, iptables, nft. Usage: bench/services-datapath.sh [connects-per-run]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
mvn -q -B -Dstyle.color=never -pl e2e -am verify -Dgroups=bench -Dnetc.excludedGroups=none \
  -Dtest=ServicesDatapathBench -Dsurefire.failIfNoSpecifiedTests=false -Dnetc.bench.connects="${1:-2000}" \
  -DtrimStackTrace=true 2>&1 | grep -E '^BENCH|FAIL|Tests run' || true
grep -h '^BENCH' e2e/target/surefire-reports/*ServicesDatapathBench-output.txt 2>/dev/null || true
