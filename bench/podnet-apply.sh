#!/usr/bin/env bash
# Podnet applier benchmark: netc apply --backend podnet of a generated 500-node plan (node n1's view: 499 routes for
# host-gw; for vxlan 499 routes + 499 neighbours + 499 FDB entries = 1,497 objects, plus the device and its address)
# into a scratch network namespace. Prints, per mode, the median over RUNS runs of the first apply (a fresh
# namespace each run) and of a re-apply (nothing to change): the applier's own time ("applied … in N ms") and the
# wall time of the whole netc process (JVM start included). Needs root and ip. Usage: bench/podnet-apply.sh [nodes] [runs]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
nodes="${1:-500}"
runs="${2:-5}"
work="$(mktemp -d)"
ns="netc-t-bench-$$"
cleanup() { ip netns del "$ns" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
bin/netc --version >/dev/null 2>&1 || true   # builds the jar first, outside the timings

gen() { # gen MODE DIR: OUT with nodes/n1/podnet/routes for MODE and its manifest
  local mode="$1" out="$2"
  mkdir -p "$out/nodes/n1/podnet"
  python3 - "$mode" "$nodes" "$out" <<'PY'
import hashlib, json, sys
mode, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
lines = ["# bench: node n1 of %d nodes" % n, "mode " + mode]
if mode == "vxlan":
    lines += ["device netc.1 vni 1 port 8472 local 192.168.0.1 mtu 1450 mac 0e:00:00:00:00:01", "address 10.0.1.0/32"]
for i in range(2, n + 1):
    node_ip = "192.168.%d.%d" % (i // 250, i % 250 + 1)
    cidr = "10.%d.%d.0/24" % (i // 250, i % 250)
    vtep = "10.%d.%d.0" % (i // 250, i % 250)
    mac = "0e:00:00:00:%02x:%02x" % (i >> 8, i & 0xff)
    if mode == "host-gw":
        lines.append("route %s via %s node n%d" % (cidr, node_ip, i))
    else:
        lines += ["route %s via %s onlink node n%d" % (cidr, vtep, i), "neigh %s lladdr %s node n%d" % (vtep, mac, i),
                  "fdb %s dst %s node n%d" % (mac, node_ip, i)]
data = ("\n".join(lines) + "\n").encode()
open(out + "/nodes/n1/podnet/routes", "wb").write(data)
json.dump({"format": "netc.dev/manifest/v1", "model": "bench", "nodes": ["n1"], "artifacts": [{"path": "nodes/n1/podnet/routes",
          "backend": "podnet", "node": "n1", "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}]}, open(out + "/netc-manifest.json", "w"))
PY
}

fresh() { # a namespace whose eth0 holds 192.168.0.1/16: every other node is on its link
  ip netns del "$ns" 2>/dev/null || true
  ip netns add "$ns"
  ip -n "$ns" link set lo up
  ip -n "$ns" link add eth0 type veth peer name eth0p
  ip -n "$ns" addr add 192.168.0.1/16 dev eth0
  ip -n "$ns" link set eth0 up
  ip -n "$ns" link set eth0p up
  rm -rf "$work/state"
}

apply() { # prints "APPLIER_MS WALL_MS"
  local t0 t1 log
  t0=$(date +%s%N)
  log="$(bin/netc apply --node n1 --backend podnet --netns "$ns" --state-dir "$work/state" "$1")"
  t1=$(date +%s%N)
  local ms
  ms="$(sed -n 's/.* in \([0-9]*\) ms.*/\1/p' <<<"$log")"
  [ -n "$ms" ] || ms="$(awk '/podnet: plan/ {print "-"}' <<<"$log")"
  echo "${ms:--} $(( (t1 - t0) / 1000000 ))"
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : int((a[NR/2] + a[NR/2+1]) / 2)}'; }

for mode in host-gw vxlan; do
  gen "$mode" "$work/out-$mode"
  first_applier=(); first_wall=(); again_wall=()
  for _ in $(seq "$runs"); do
    fresh
    read -r a w < <(apply "$work/out-$mode"); first_applier+=("$a"); first_wall+=("$w")
    read -r _ w < <(apply "$work/out-$mode"); again_wall+=("$w")
  done
  objects=$(grep -cE '^(route|neigh|fdb) ' "$work/out-$mode/nodes/n1/podnet/routes")
  echo "BENCH podnet $mode nodes=$nodes objects=$objects runs=$runs" \
    "first-apply applier=$(printf '%s\n' "${first_applier[@]}" | median)ms wall=$(printf '%s\n' "${first_wall[@]}" | median)ms" \
    "re-apply wall=$(printf '%s\n' "${again_wall[@]}" | median)ms (nothing to change)"
done
