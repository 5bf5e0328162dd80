#!/usr/bin/env bash
# DNS reload benchmark (issue 17): a cluster.local zone of S Services (A + SRV each, 3 headless endpoints per 10th),
# served by a real knotd in a scratch namespace from the layout netc apply --backend dns installs (releases/DIGEST,
# the current link, knot.conf including current/knot.conf). Each round writes a release with one Service changed
# and the serial bumped, then times what the applier does: kzonecheck of the zone, the link swap + knotc reload
# until knotc zone-status shows the new serial. Prints the medians. The zone is generated here until the dns backend
# (netc compile --backend dns, S=1 of bench/gen-cluster) is merged. Needs root, ip, knotd, knotc, kzonecheck.
# Usage: bench/dns-apply.sh [services, default 10000] [rounds, default 5]
set -euo pipefail
S="${1:-10000}"; ROUNDS="${2:-5}"
dir="$(mktemp -d /tmp/netc-dns-bench-XXXXXX)"; ns="netc-dnsbench-$$"; pid=""
cleanup() { if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi; ip netns del "$ns" 2>/dev/null || true; rm -rf "$dir"; }
trap cleanup EXIT
ip netns add "$ns"; ip -n "$ns" link set lo up
zone() { # serial, the IP of service 0
  awk -v s="$S" -v serial="$1" -v first="$2" 'BEGIN {
    print "$ORIGIN cluster.local.\n$TTL 5"
    print "@ 5 IN SOA ns.dns.cluster.local. hostmaster.cluster.local. " serial " 7200 1800 86400 5\n@ 5 IN NS ns.dns.cluster.local.\nns.dns 5 IN A 10.96.0.10"
    print "dns-version 28800 IN TXT \"1.1.0\""
    for (i = 0; i < s; i++) {
      n = "svc-" i ".ns-" (i % 100) ".svc"; ip = (i == 0) ? first : "10." (96 + int(i / 65536)) "." int(i / 256) % 256 "." i % 256
      print n " 5 IN A " ip; print "_http._tcp." n " 5 IN SRV 0 100 80 " n ".cluster.local."
      if (i % 10 == 0) for (e = 1; e <= 3; e++) { print n " 5 IN A 10.244." e "." i % 250; print "ep-" e "." n " 5 IN A 10.244." e "." i % 250 }
    } }'
}
release() { # serial, first IP -> prints the release name
  r="$dir/releases/r$1"; mkdir -p "$r/zones"
  zone "$1" "$2" >"$r/zones/cluster.local.zone"
  printf 'zone:\n  - domain: cluster.local\n    file: zones/cluster.local.zone\n' >"$r/knot.conf"
  echo "r$1"
}
ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2)}'; }
mkdir -p "$dir/releases"; ln -s "releases/$(release 1 10.96.0.1)" "$dir/current"
cat >"$dir/knot.conf" <<CONF
server:
    rundir: "$dir"
    listen: 127.0.0.1@15354
control:
    listen: "$dir/knot.sock"
database:
    storage: "$dir/db"
template:
  - id: default
    storage: "$dir/current"
    zonefile-load: whole
    journal-content: none
include: "$dir/current/knot.conf"
CONF
t=$(date +%s%N); ip netns exec "$ns" knotd -c "$dir/knot.conf" >"$dir/knotd.out" 2>&1 & pid=$!
until knotc -s "$dir/knot.sock" zone-status 2>/dev/null | grep -q 'serial: 1$'; do
  kill -0 "$pid" 2>/dev/null || { cat "$dir/knotd.out"; exit 1; }; sleep 0.01
done
echo "BENCH dns S=$S zone $(wc -l <"$dir/current/zones/cluster.local.zone") lines, $(du -h "$dir/current/zones/cluster.local.zone" | cut -f1); first load $(ms "$t") ms"
checks=(); reloads=()
for i in $(seq 2 $((ROUNDS + 1))); do
  r=$(release "$i" "10.96.200.$i")
  t=$(date +%s%N); kzonecheck -o cluster.local "$dir/releases/$r/zones/cluster.local.zone" >/dev/null; checks+=("$(ms "$t")")
  t=$(date +%s%N); ln -sfn "releases/$r" "$dir/.current.new"; mv -T "$dir/.current.new" "$dir/current"
  knotc -s "$dir/knot.sock" reload >/dev/null
  until knotc -s "$dir/knot.sock" zone-status cluster.local | grep -q "serial: $i\$"; do sleep 0.005; done
  reloads+=("$(ms "$t")")
  rm -rf "$dir/releases/r$((i - 1))"
done
echo "BENCH dns S=$S rounds=$ROUNDS kzonecheck median $(printf '%s\n' "${checks[@]}" | median) ms; swap+reload until served median $(printf '%s\n' "${reloads[@]}" | median) ms (each: ${reloads[*]})"
