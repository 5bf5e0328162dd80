#!/usr/bin/env bash
# The dns backend at scale: `netc compile --backend dns --timings` of bench/gen-cluster's live form at S (default 1:
# 10 000 Services), RUNS times (default 5). Prints each run's wall and CPU time and the times --timings gives for the
# ResolveDns pass and the dns backend, then their medians. Goal: ResolveDns + backend dns <= 2 s at S=1.
# Not a test: it prints figures. Usage: bench/dns.sh [S] [RUNS]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
s="${1:-1}" runs="${2:-5}"
work="${NETC_BENCH_DIR:-$root/bench/target/dns-bench}"
[ -x /usr/bin/time ] || { echo "dns.sh needs /usr/bin/time (Debian: apt-get install time)" >&2; exit 2; }
"$root/bench/gen-cluster" --build
"$root/bin/netc" --version >/dev/null
rm -rf "$work"; mkdir -p "$work"
java -cp "$root/bench/target/netc-bench.jar" dev.netc.bench.GenCluster "$s" live "$work/in" 2>"$work/gen.err"
echo "cluster: $(tail -1 "$work/gen.err")"
median() { sort -n | awk '{a[NR]=$1} END{ if (NR%2) print a[(NR+1)/2]; else printf "%.3f\n", (a[NR/2]+a[NR/2+1])/2 }'; }
: >"$work/walls"; : >"$work/cpus"; : >"$work/pass"; : >"$work/backend"
for i in $(seq 1 "$runs"); do
  /usr/bin/time -f '%e %U %S' -o "$work/time" java @"$root/bin/jvm.options" -jar "$root/cli/target/netc-cli.jar" \
    compile "$work/in" -o "$work/out" --backend dns --timings >"$work/run.out" 2>"$work/run.err"
  read -r wall user sys <"$work/time"
  cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN{printf "%.2f", u+s}')
  # --timings lines: "timing: <step> wall_ms=N cpu_ms=N" (the pass by its class, the backend as "render dns")
  pass=$(sed -n 's/^timing: ResolveDns wall_ms=\([0-9]*\).*/\1/p' "$work/run.err")
  backend=$(sed -n 's/^timing: render dns wall_ms=\([0-9]*\).*/\1/p' "$work/run.err")
  echo "run $i: wall ${wall}s cpu ${cpu}s ResolveDns ${pass:-?} ms backend dns ${backend:-?} ms"
  echo "$wall" >>"$work/walls"; echo "$cpu" >>"$work/cpus"; echo "${pass:-0}" >>"$work/pass"; echo "${backend:-0}" >>"$work/backend"
done
echo "median: wall $(median <"$work/walls")s cpu $(median <"$work/cpus")s ResolveDns $(median <"$work/pass") ms backend dns $(median <"$work/backend") ms"
echo "zones: $(ls "$work/out/dns/zones" | wc -l) files, $(du -sh "$work/out/dns" | cut -f1); forward zone $(grep -vc '^;\|^\$\|^$' "$work/out/dns/zones/"*cluster.local.zone) records"
echo "timings of the last run:"; cat "$work/run.err"
