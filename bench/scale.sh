#!/usr/bin/env bash
# Compile-scale benchmark (issue 14). For each scale factor S (default 0.1 0.25 0.5 1; S=1 is 1000 nodes,
# 100 namespaces, 10k Services, 100k pods, 5k NetworkPolicies, 2k Ingresses) and each form (live, gitops):
# generates the cluster (bench/gen-cluster), reads it with jackson-dataformat-yaml alone (the parse baseline),
# then runs `netc compile --timings` with bin/jvm.options (all backends unless -b). Prints per run: input bytes,
# parse CPU, compile CPU (user+sys of the whole process), wall, peak RSS, peak heap (largest heap before a GC,
# from -Xlog:gc), output bytes, compile CPU / parse CPU, OUT / input, OUT / the live form's input at the same S (for
# gitops: the cluster written out whole, pods and endpoints, which OUT must name); the per-step times netc prints
# (`timing:` lines); and at the end the log-log slope of compile CPU against S. A step that runs longer than
# the timeout is reported as TIMEOUT, one that runs out of heap as OOM.
#
# Usage: bench/scale.sh [-t SECONDS] [-f live|gitops|both] [-b BACKENDS] [-w DIR] [--jfr] [--apply] [S ...]
#   -t   timeout of each step (default 600)
#   -f   which form (default both)
#   -b   netc --backend list (default: all backends)
#   -w   work folder (default bench/target/scale); inputs, outputs, logs and report.md stay there
#   --jfr    also record each compile with JFR and print its hot spots per step (bench/jfr-top)
#   --apply  also run bench/apply.sh at the end (the applier figures at 10k Services; needs root, nft, iptables)
# Quick run: bench/scale.sh 0.01 0.02
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
timeout_s=600 forms="live gitops" backends="" work="$root/bench/target/scale" jfr=0 apply=0 scales=()
while [ $# -gt 0 ]; do
  case "$1" in
    -t) timeout_s="$2"; shift 2 ;;
    -f) case "$2" in both) forms="live gitops" ;; live|gitops) forms="$2" ;; *) echo "-f live|gitops|both" >&2; exit 2 ;; esac; shift 2 ;;
    -b) backends="$2"; shift 2 ;;
    -w) work="$2"; shift 2 ;;
    --jfr) jfr=1; shift ;;
    --apply) apply=1; shift ;;
    -h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "unknown option $1" >&2; exit 2 ;;
    *) scales+=("$1"); shift ;;
  esac
done
[ ${#scales[@]} -gt 0 ] || scales=(0.1 0.25 0.5 1)
[ -x /usr/bin/time ] || { echo "scale.sh needs /usr/bin/time (Debian: apt-get install time)" >&2; exit 2; }

# Build once, then run copies: a rebuild during the run (sources edited) cannot change what is measured.
"$root/bench/gen-cluster" --build
"$root/bin/netc" --version >/dev/null
rm -rf "$work"; mkdir -p "$work/tools"
cp -r "$root/cli/target/netc-cli.jar" "$root/cli/target/lib" "$work/tools/"
mkdir -p "$work/tools/bench"; cp -r "$root/bench/target/netc-bench.jar" "$root/bench/target/lib" "$work/tools/bench/"
netc_jar="$work/tools/netc-cli.jar" bench_jar="$work/tools/bench/netc-bench.jar"
report="$work/report.md"
jvm=(@"$root/bin/jvm.options" -XX:+ExitOnOutOfMemoryError) # the launcher's options (bin/netc), for netc and the baseline alike

# run NAME CMD...: runs CMD under the timeout, measured by /usr/bin/time; sets st (OK|TIMEOUT|OOM|FAILED rc),
# cpu_s, wall_s, rss_mb. stdout and stderr go to $work/NAME.out/.err
run() {
  local name="$1"; shift
  local rc=0 user sys elapsed maxkb
  /usr/bin/time -f '%U %S %e %M' -o "$work/$name.time" timeout --kill-after=10 "$timeout_s" "$@" \
    >"$work/$name.out" 2>"$work/$name.err" || rc=$?
  read -r user sys elapsed maxkb < <(tail -n 1 "$work/$name.time")
  cpu_s=$(awk -v u="$user" -v s="$sys" 'BEGIN{printf "%.2f", u+s}'); wall_s="$elapsed"; rss_mb=$((maxkb / 1024))
  if [ "$rc" = 0 ]; then st=OK
  elif [ "$rc" = 124 ] || [ "$rc" = 137 ]; then st=TIMEOUT
  elif grep -q OutOfMemoryError "$work/$name.err" "$work/$name.out" 2>/dev/null; then st=OOM
  else st="FAILED($rc)"; fi
}

mb() { awk -v b="$1" 'BEGIN{printf "%.2f", b/1e6}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ if (b > 0) printf "%.1f", a/b; else print "-" }'; }

{
  echo "# netc scale benchmark"
  echo
  echo "$(date -u +%FT%TZ) · $(nproc) cores · $(java -version 2>&1 | head -1) · netc $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')"
  echo "timeout ${timeout_s}s per step · compile: java $(tr '\n' ' ' <"$root/bin/jvm.options")${jvm[*]:1} · backends: ${backends:-all}"
  echo
  echo "| form | S | nodes | input MB | parse CPU s | compile CPU s | wall s | ÷ parse | peak RSS MB | peak heap MB | OUT MB | OUT ÷ input | OUT ÷ live input | status |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
} | tee "$report"

declare -A slope_x slope_y live_in
# The live form's bytes at S: the cluster written out whole (every pod, every endpoint). A gitops repository holds
# workloads, not pods, so OUT (which must name every endpoint) is also compared with the live form of the same cluster.
live_bytes() {
  if [ -z "${live_in[$1]:-}" ]; then
    java -cp "$bench_jar" dev.netc.bench.GenCluster "$1" live "$work/live-size" 2>/dev/null
    live_in[$1]=$(du -sb "$work/live-size" | cut -f1); rm -rf "$work/live-size"
  fi
  echo "${live_in[$1]}"
}
for form in $forms; do
  for s in "${scales[@]}"; do
    id="$form-$s" in="$work/in-$form-$s" out="$work/out-$form-$s"
    run "gen-$id" java -cp "$bench_jar" dev.netc.bench.GenCluster "$s" "$form" "$in"
    if [ "$st" != OK ]; then
      echo "| $form | $s | | | | | | | | | | | | gen $st |" | tee -a "$report"; continue
    fi
    nodes=$(sed -n 's/.*: \([0-9]*\) nodes,.*/\1/p' "$work/gen-$id.err")
    in_bytes=$(du -sb "$in" | cut -f1)
    [ "$form" = live ] && live_in[$s]=$in_bytes
    run "parse-$id" java "${jvm[@]}" -cp "$bench_jar" dev.netc.bench.ParseBaseline "$in"
    parse_st=$st parse_cpu=$cpu_s
    extra=()
    [ "$jfr" = 1 ] && extra+=("-XX:StartFlightRecording=filename=$work/compile-$id.jfr,settings=profile")
    bargs=(); [ -n "$backends" ] && bargs=(--backend "$backends")
    run "compile-$id" java "${jvm[@]}" "-Xlog:gc:file=$work/compile-$id.gc" "${extra[@]}" -jar "$netc_jar" \
      compile "$in" -o "$out" --timings "${bargs[@]}"
    heap=$(grep -o '[0-9]*M->[0-9]*M' "$work/compile-$id.gc" 2>/dev/null | cut -dM -f1 | sort -n | tail -1 || true)
    out_mb=- out_ratio=- out_live=-
    if [ "$st" = OK ] && [ -d "$out" ]; then
      out_bytes=$(du -sb "$out" | cut -f1); out_mb=$(mb "$out_bytes"); out_ratio=$(ratio "$out_bytes" "$in_bytes")
      out_live=$(ratio "$out_bytes" "$(live_bytes "$s")")
    fi
    [ "$parse_st" = OK ] || parse_cpu="$parse_st"
    # a run that did not finish: its CPU and wall are what it used until it was stopped (a lower bound)
    [ "$st" = OK ] || cpu_s=">$cpu_s"
    echo "| $form | $s | $nodes | $(mb "$in_bytes") | $parse_cpu | $cpu_s | $wall_s | $(ratio "${cpu_s#>}" "$parse_cpu") | $rss_mb | ${heap:-?} | $out_mb | $out_ratio | $out_live | $st |" | tee -a "$report"
    if [ "$st" = OK ]; then
      slope_x[$form]+="$s "; slope_y[$form]+="$cpu_s "
      rm -rf "$out"   # keep the disk free for the next S; du above measured it
    fi
    rm -rf "$in"
  done
done

{
  echo
  echo "Per step (\`netc compile --timings\`: wall ms / process CPU ms; load = reading the files, YamlFrontEnd = parse and decode):"
  for form in $forms; do
    echo
    printf '| %s |' "$form"; for s in "${scales[@]}"; do printf ' S=%s |' "$s"; done; echo
    printf '|---|'; for s in "${scales[@]}"; do printf -- '---|'; done; echo
    steps=$(for s in "${scales[@]}"; do grep -h '^timing:' "$work/compile-$form-$s.err" 2>/dev/null || true; done \
      | awk '{ $NF=""; $(NF-1)=""; sub(/^timing: /, ""); sub(/ +$/, ""); print }' | awk '!seen[$0]++')
    while IFS= read -r step; do
      [ -n "$step" ] || continue
      printf '| %s |' "$step"
      for s in "${scales[@]}"; do
        v=$(grep -h "^timing: $step wall_ms=" "$work/compile-$form-$s.err" 2>/dev/null \
          | sed 's/.*wall_ms=\([0-9]*\) cpu_ms=\([0-9]*\)/\1 \/ \2/' | head -1 || true)
        printf ' %s |' "${v:--}"
      done
      echo
    done <<< "$steps"
  done
  echo
  for form in $forms; do
    read -r -a xs <<< "${slope_x[$form]:-}"; read -r -a ys <<< "${slope_y[$form]:-}"
    if [ ${#xs[@]} -ge 2 ]; then
      awk -v xs="${xs[*]}" -v ys="${ys[*]}" -v f="$form" 'BEGIN {
        n = split(xs, x, " "); split(ys, y, " ")
        for (i = 1; i <= n; i++) { lx = log(x[i]); ly = log(y[i]); sx += lx; sy += ly; sxx += lx*lx; sxy += lx*ly }
        printf "log-log slope of compile CPU vs S (%s, %d points): %.2f\n", f, n, (n*sxy - sx*sy) / (n*sxx - sx*sx) }'
    else
      echo "log-log slope ($form): fewer than two finished runs"
    fi
  done
} | tee -a "$report"

if [ "$jfr" = 1 ]; then
  for f in "$work"/compile-*.jfr; do
    [ -f "$f" ] || continue
    { echo; echo "## JFR hot spots: $(basename "$f" .jfr)"; echo '```'
      java -cp "$bench_jar" dev.netc.bench.JfrTop "$f" 8 || true
      echo '```'; } | tee -a "$report"
  done
fi

if [ "$apply" = 1 ]; then
  { echo; echo "## Applier (bench/apply.sh: 10k Services, incremental vs full)"; echo '```'
    "$root/bench/apply.sh" || true
    echo '```'; } | tee -a "$report"
fi
echo
echo "report: $report"
