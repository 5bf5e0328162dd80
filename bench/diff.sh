#!/usr/bin/env bash
# Benchmark of `netc diff` for a one-policy change (issue 15; not a test: goal, the diff takes <= 2x one compile of
# the same input). Generates the cluster of scale factor S (bench/gen-cluster S live) into a temp folder, copies it
# and adds one NetworkPolicy in the copy: namespace NS's pods app=APP may be reached from namespace FROM on TCP PORT
# (defaults ns-0000, cart-0, ns-0004, 5432: FROM has no default-deny-all, so its pods may send, and is not env=dev,
# which anp-000 denies on 5432 to prod, so the change does open traffic; the odd namespaces deny all egress and a
# policy from them changes no traffic). Then RUNS rounds, each step in turn (so the machine's drift hits all alike):
#   compile   netc compile BASE -o OUT                   (all backends: what bin/netc compile does by default)
#   plan      netc compile --backend plan BASE -o OUT    (the plan alone, which is what netc diff compiles per side)
#   diff      netc diff BASE HEAD > diff.txt
#   json      netc diff --format json BASE HEAD > diff.json
# each as bin/netc runs it (java @bin/jvm.options $NETC_JAVA_OPTS -jar netc-cli.jar, from a copy made at the start, so
# a rebuild meanwhile cannot change what is measured), timed by /usr/bin/time (wall, CPU, peak RSS) or without it by
# bash's time (no RSS), with -Xlog:gc for the peak heap. Prints each run; then per step the median wall, CPU, RSS and
# heap, the per-round ratios diff/compile and diff/plan (median), and the diff's rows (changes) and plan sections.
# A step past the timeout is TIMEOUT (its ratio then a lower bound, ">") and is not run again in later rounds.
#
# Usage: bench/diff.sh [-n RUNS] [-t SECONDS] [-s STEPS] [-k] [-w DIR] [--jar DIR] [S]
#   S       scale factor (default 0.1; at least 0.05, so that ns-0004 exists); S=1 writes about 200 MB
#   -n      rounds (default 3)
#   -t      timeout of each step in seconds (default 1800)
#   -s      steps to run, comma-separated (default compile,plan,diff,json)
#   -k      keep the work folder (printed at the end)
#   -w      work folder (default: a new mktemp -d; an existing one must be empty)
#   --jar   a folder holding netc-cli.jar and lib/ to run instead of cli/target (bin/netc builds that one when stale)
# Environment: DIFF_NS, DIFF_APP, DIFF_FROM, DIFF_PORT choose the change; NETC_JAVA_OPTS as for bin/netc.
# Quick run: bench/diff.sh -n 1 0.05
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs=3 timeout_s=1800 steps="compile,plan,diff,json" keep=0 work="" jardir="" scale=0.1
while [ $# -gt 0 ]; do
  case "$1" in
    -n) runs="$2"; shift 2 ;;
    -t) timeout_s="$2"; shift 2 ;;
    -s) steps="$2"; shift 2 ;;
    -k) keep=1; shift ;;
    -w) work="$2"; shift 2 ;;
    --jar) jardir="$2"; shift 2 ;;
    -h|--help) sed -n '2,26p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "diff.sh: unknown option $1" >&2; exit 2 ;;
    *) scale="$1"; shift ;;
  esac
done
ns="${DIFF_NS:-ns-0000}" app="${DIFF_APP:-cart-0}" from="${DIFF_FROM:-ns-0004}" port="${DIFF_PORT:-5432}"
IFS=, read -r -a step_list <<<"$steps"
for s in "${step_list[@]}"; do
  case "$s" in compile|plan|diff|json) ;; *) echo "diff.sh: unknown step $s (compile, plan, diff, json)" >&2; exit 2 ;; esac
done

if [ -n "$work" ]; then
  mkdir -p "$work"
  [ -z "$(ls -A "$work")" ] || { echo "diff.sh: $work is not empty" >&2; exit 2; }
else
  work="$(mktemp -d "${TMPDIR:-/tmp}/netc-diff-bench.XXXXXX")"
fi
cleanup() {
  if [ "$keep" = 1 ]; then echo "work folder kept: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Build (when stale) and copy what runs.
"$root/bench/gen-cluster" --build
if [ -z "$jardir" ]; then
  "$root/bin/netc" --version >/dev/null
  jardir="$root/cli/target"
fi
[ -f "$jardir/netc-cli.jar" ] || { echo "diff.sh: no netc-cli.jar in $jardir" >&2; exit 2; }
mkdir -p "$work/tools"
cp -r "$jardir/netc-cli.jar" "$jardir/lib" "$work/tools/"
cp "$root/bin/jvm.options" "$work/tools/jvm.options"
jar="$work/tools/netc-cli.jar"
# shellcheck disable=SC2206
jvm=(@"$work/tools/jvm.options" ${NETC_JAVA_OPTS:-} -XX:+ExitOnOutOfMemoryError)
have_time=0; [ -x /usr/bin/time ] && have_time=1

# The input: BASE, and HEAD = BASE plus one NetworkPolicy.
base="$work/base" head="$work/head"
"$root/bench/gen-cluster" "$scale" live "$base" >&2
[ -d "$base/namespaces/$ns" ] || { echo "diff.sh: no namespace $ns at S=$scale" >&2; exit 2; }
[ -d "$base/namespaces/$from" ] || { echo "diff.sh: no namespace $from at S=$scale (S >= 0.05, or set DIFF_FROM)" >&2; exit 2; }
grep -q "^      app: $app\$" "$base/namespaces/$ns/pods.yaml" || { echo "diff.sh: no pod app=$app in $ns" >&2; exit 2; }
pods=$(grep -c "^      app: $app\$" "$base/namespaces/$ns/pods.yaml")
cp -r "$base" "$head"
policy="bench-diff-allow-$from-$app"
cat >"$head/namespaces/$ns/bench-diff-policy.yaml" <<EOF
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: $policy
  namespace: $ns
spec:
  podSelector:
    matchLabels:
      app: $app
  policyTypes:
  - Ingress
  ingress:
  - from:
    - namespaceSelector:
        matchLabels:
          kubernetes.io/metadata.name: $from
    ports:
    - protocol: TCP
      port: $port
EOF
in_mb=$(du -sm "$base" | cut -f1)

rev="$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')"
[ -n "$(git -C "$root" status --porcelain -- '*/src/main/*' 2>/dev/null)" ] && rev="$rev+uncommitted"
echo "# netc diff benchmark: S=$scale (${in_mb} MB input), change: + NetworkPolicy $ns/$policy ($app: $pods pods; from $from; TCP $port)"
echo "$(date -u +%FT%TZ) · $(nproc) cores · $(java -version 2>&1 | head -1) · netc $rev · jar from $jardir"
echo "java ${jvm[*]} · timeout ${timeout_s}s per step · $runs round(s) · /usr/bin/time: $([ $have_time = 1 ] && echo yes || echo 'no (no RSS)')"
echo

# run NAME OUTFILE CMD...: runs CMD under the timeout; sets st, wall, cpu, rss (MB or -), heap (MB or -).
run() {
  local name="$1" out="$2"; shift 2
  local rc=0 user sys elapsed maxkb
  local gc="$work/$name.gc"
  local cmd=(timeout --kill-after=10 "$timeout_s" java "${jvm[@]}" "-Xlog:gc:file=$gc" -jar "$jar" "$@")
  if [ $have_time = 1 ]; then
    /usr/bin/time -f '%U %S %e %M' -o "$work/$name.time" "${cmd[@]}" >"$out" 2>"$work/$name.err" || rc=$?
    read -r user sys elapsed maxkb < <(tail -n 1 "$work/$name.time")
    rss=$((maxkb / 1024))
  else
    local TIMEFORMAT='%U %S %R'
    { time "${cmd[@]}" >"$out" 2>"$work/$name.err" || rc=$?; } 2>"$work/$name.time"
    read -r user sys elapsed < <(tail -n 1 "$work/$name.time")
    rss=-
  fi
  wall="$elapsed"
  cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN{printf "%.2f", u+s}')
  heap=$(grep -o '[0-9]*M->[0-9]*M' "$gc" 2>/dev/null | cut -dM -f1 | sort -n | tail -1 || true)
  heap=${heap:--}
  case "$rc" in
    0) st=OK ;;
    1) if [ "$name" != "${name#diff}" ] || [ "$name" != "${name#json}" ]; then st=OK; else st="FAILED(1)"; fi ;; # diff: 1 = changes
    124|137) st=TIMEOUT ;;
    *) if grep -q OutOfMemoryError "$work/$name.err" 2>/dev/null; then st=OOM; else st="FAILED($rc)"; fi ;;
  esac
  if [ "$st" != OK ] && [ "$st" != TIMEOUT ]; then sed 's/^/    /' "$work/$name.err" | tail -n 5 >&2; fi
}

declare -A walls cpus rsss heaps status
printf '%-8s %5s %9s %9s %8s %8s  %s\n' step round "wall s" "CPU s" "RSS MB" "heap MB" status
for ((i = 1; i <= runs; i++)); do
  for s in "${step_list[@]}"; do
    case "${status[$s]:-}" in TIMEOUT|OOM|FAILED*) continue ;; esac
    case "$s" in
      compile) run "compile-$i" /dev/null compile "$base" -o "$work/out-compile" ;;
      plan) run "plan-$i" /dev/null compile --backend plan "$base" -o "$work/out-plan" ;;
      diff) run "diff-$i" "$work/diff.txt" diff "$base" "$head" ;;
      json) run "json-$i" "$work/diff.json" diff --format json "$base" "$head" ;;
    esac
    rm -rf "$work/out-compile" "$work/out-plan"
    walls[$s]+="$wall " cpus[$s]+="$cpu " rsss[$s]+="$rss " heaps[$s]+="$heap "
    [ "$st" = OK ] || status[$s]="$st"
    printf '%-8s %5s %9s %9s %8s %8s  %s\n' "$s" "$i" "$wall" "$cpu" "$rss" "$heap" "$st"
  done
done

median() { tr ' ' '\n' | grep -v '^-\?$' | sort -g | awk '{a[NR]=$1} END{ if (NR == 0) print "-"; else if (NR % 2) print a[(NR+1)/2]; else printf "%.2f\n", (a[NR/2]+a[NR/2+1])/2 }'; }
# ratios A/B round by round (the rounds both ran), then their median; a timed-out A makes a lower bound
ratios() {
  local -a x y; read -r -a x <<<"${walls[$1]:-}"; read -r -a y <<<"${walls[$2]:-}"
  local n=${#x[@]}; [ ${#y[@]} -lt "$n" ] && n=${#y[@]}
  [ "$n" -gt 0 ] || { echo "-"; return; }
  local r="" k
  for ((k = 0; k < n; k++)); do r+="$(awk -v a="${x[k]}" -v b="${y[k]}" 'BEGIN{ if (b > 0) printf "%.2f", a/b }') "; done
  local m; m=$(median <<<"$r")
  if [ "${status[$1]:-}" = TIMEOUT ]; then echo ">$m"; else echo "$m"; fi
}

echo
echo "| step | runs | median wall s | median CPU s | median RSS MB | peak heap MB | ÷ compile | ÷ plan | status |"
echo "|---|---|---|---|---|---|---|---|---|"
for s in "${step_list[@]}"; do
  [ -n "${walls[$s]:-}" ] || continue
  n=$(wc -w <<<"${walls[$s]}")
  w=$(median <<<"${walls[$s]}"); [ "${status[$s]:-}" = TIMEOUT ] && w=">$w"
  heapmax=$(tr ' ' '\n' <<<"${heaps[$s]}" | grep -v '^-\?$' | sort -n | tail -1 || true)
  rc="-" rp="-"
  [ -n "${walls[compile]:-}" ] && [ "$s" != compile ] && rc=$(ratios "$s" compile)
  [ -n "${walls[plan]:-}" ] && [ "$s" != plan ] && rp=$(ratios "$s" plan)
  echo "| $s | $n | $w | $(median <<<"${cpus[$s]}") | $(median <<<"${rsss[$s]}") | ${heapmax:--} | $rc | $rp | ${status[$s]:-OK} |"
done
echo "(heap: the largest heap before a GC, from -Xlog:gc, against the -Xmx of bin/jvm.options: $(grep -o -- '-Xmx[^ ]*' "$work/tools/jvm.options" || echo default))"

# What the diff printed.
echo
if [ -s "$work/diff.json" ] && [ "${status[json]:-OK}" = OK ]; then
  if command -v jq >/dev/null; then
    echo "diff --format json: $(jq '.changes | length' "$work/diff.json") rows (changes), $(jq '.sections | length' "$work/diff.json") plan sections"
    jq -r '.changes[] | "  row: \(.kind) \(.protocol // "any") \(.ports // "all" | tostring) \(.before | tostring) -> \(.after | tostring)"' "$work/diff.json" \
      | sort | uniq -c | sort -rn | head -n 10
    jq -r '.sections[] | "  section: \(.kind) \(.section | split(" ") | if .[0] == "node-plan" then "node-plan \(.[2])" else .[0] end)"' "$work/diff.json" | sort | uniq -c | sort -rn | head -n 10
  elif command -v python3 >/dev/null; then
    python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print("diff --format json: %d rows (changes), %d plan sections" % (len(d["changes"]), len(d["sections"])))' "$work/diff.json"
  fi
fi
if [ -s "$work/diff.txt" ] && [ "${status[diff]:-OK}" = OK ]; then
  echo "diff (text): $(tail -n 1 "$work/diff.txt"); $(wc -l <"$work/diff.txt") lines, $(wc -c <"$work/diff.txt") bytes"
fi
