#!/usr/bin/env bash
# Policy scale benchmark (issue 5): 1000 pods, 1000 and 5000 NetworkPolicies; prints compile time, rule and
# set counts for one node, and load times with nft and iptables-restore + ipset. Needs root, ip, nft, iptables.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
mvn -q -B -Dstyle.color=never -pl e2e -am verify -Dgroups=bench -Dnetc.excludedGroups=none \
  -Dtest=PolicyScaleBench -Dsurefire.failIfNoSpecifiedTests=false >/dev/null 2>&1 || true
grep -h '^BENCH' e2e/target/surefire-reports/*PolicyScaleBench-output.txt
