#!/usr/bin/env bash
# Site build benchmark: duos against Hugo and against the copy floor, on the
# same generated corpus, with minimal templates and with the default theme.
#
#   scripts/bench-site.sh            # N = 1000 and 10000, both template sets, 5 runs
#   SIZES="10000" RUNS=3 TEMPLATES=minimal scripts/bench-site.sh
#   KEEP=1 scripts/bench-site.sh     # keep the corpora and outputs (path printed)
#   DUOS_BIN=path/to/duos scripts/bench-site.sh   # use a built binary, skip cargo
#   BENCH_DIR=/some/tmpfs scripts/bench-site.sh    # where corpora and outputs go
#
# For each N and each template set (TEMPLATES, default "minimal default"),
# scripts/bench_corpus.py writes a duos site (content/program.yaml, a few
# pages, N content/mentors/mentor-NNNNN.yaml with ~250-word markdown bios and
# 3 expertise terms) and the equivalent Hugo site (one content page per
# mentor with the same fields in front matter, a directory page, one page per
# expertise term through a Hugo taxonomy). Templates:
#   minimal  the same few lines per page kind for both tools (bench_corpus.py
#            MINIMAL_DUOS / MINIMAL_HUGO): a profile's name, title,
#            institution, terms and bio; the directory and term pages a
#            linked name per mentor;
#   default  duos with themes/default; Hugo with layouts that mirror it
#            element for element (paginated by 100, as the theme is).
# Everything lives on tmpfs (BENCH_DIR, default /dev/shm when it exists), and
# each run builds into a fresh output folder. A run is paired: Hugo, duos,
# then the floor, one after the other:
#   hugo --quiet -s HUGO_SITE -d OUT_H
#   duos build --root DUOS_SITE --out OUT_D
#   cp -r OUT_D FRESH        # the copy floor: duos's own output copied, one thread
# each under /usr/bin/time -f '%e %M %U %S' (wall seconds, peak RSS KiB, user
# and system CPU seconds). One untimed warm-up run per tool, then RUNS runs;
# the tables show the medians, and duos/floor and duos/Hugo ratios of the
# medians (below 1 means duos is faster or smaller).
#
# Needs: hugo (apt-get install hugo), GNU time (/usr/bin/time; installed with
# apt-get if missing), python3, cargo. The duos binary is built with
# `cargo build --release` into $CARGO_TARGET_DIR (default: ./target).
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
sizes=${SIZES:-"1000 10000"}
runs=${RUNS:-5}
template_sets=${TEMPLATES:-"minimal default"}
warmup=${WARMUP:-1}

if ! command -v hugo >/dev/null 2>&1; then
  echo "bench-site: hugo not found; install it with: apt-get install hugo" >&2
  exit 2
fi
if ! command -v /usr/bin/time >/dev/null 2>&1; then
  echo "bench-site: /usr/bin/time missing; installing the Debian package 'time'" >&2
  apt-get install -y time >/dev/null || {
    echo "bench-site: could not install GNU time; run: apt-get install time" >&2
    exit 2
  }
fi
command -v python3 >/dev/null 2>&1 || { echo "bench-site: python3 not found" >&2; exit 2; }

if [ -n "${DUOS_BIN:-}" ]; then
  duos=$DUOS_BIN # an already built binary (skips the cargo build)
else
  export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$repo/target}
  echo "bench-site: cargo build --release (target dir: $CARGO_TARGET_DIR)" >&2
  (cd "$repo" && cargo build --release --quiet --bin duos)
  duos="$CARGO_TARGET_DIR/release/duos"
fi
[ -x "$duos" ] || { echo "bench-site: $duos was not built" >&2; exit 1; }

if [ -z "${BENCH_DIR:-}" ]; then
  if [ -d /dev/shm ] && [ -w /dev/shm ]; then BENCH_DIR=/dev/shm; else BENCH_DIR=${TMPDIR:-/tmp}; fi
fi
work=$(mktemp -d "$BENCH_DIR/duos-bench.XXXXXX")
cleanup() {
  if [ "${KEEP:-0}" = 1 ]; then
    echo "bench-site: kept $work" >&2
  else
    rm -rf "$work"
  fi
}
trap cleanup EXIT

# run_timed TOOL SITE OUT -> prints "wall_seconds peak_kib user_seconds sys_seconds"
# (TOOL floor: SITE is the folder copied)
run_timed() {
  local tool=$1 site=$2 out=$3 tf="$work/time.txt" log="$work/build.log"
  rm -rf "$out"
  local status=0
  case $tool in
    hugo) /usr/bin/time -f '%e %M %U %S' -o "$tf" hugo --quiet -s "$site" -d "$out" >"$log" 2>&1 || status=$? ;;
    duos) /usr/bin/time -f '%e %M %U %S' -o "$tf" "$duos" build --root "$site" --out "$out" >"$log" 2>&1 || status=$? ;;
    floor) /usr/bin/time -f '%e %M %U %S' -o "$tf" cp -r "$site" "$out" >"$log" 2>&1 || status=$? ;;
  esac
  if [ "$status" != 0 ]; then
    echo "bench-site: $tool failed (exit $status):" >&2
    tail -n 20 "$log" >&2
    exit 1
  fi
  tail -n 1 "$tf"
}

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

results="$work/results.txt"
: >"$results"
for n in $sizes; do
  for set in $template_sets; do
    dir="$work/$n-$set"
    site_d="$dir/duos" site_h="$dir/hugo"
    python3 "$repo/scripts/bench_corpus.py" --n "$n" --duos "$site_d" --hugo "$site_h" --templates "$set"
    if [ "$set" = default ]; then
      mkdir -p "$site_d/themes"
      cp -r "$repo/themes/default" "$site_d/themes/default"
    fi
    out_h="$dir/out-hugo" out_d="$dir/out-duos" out_f="$dir/out-floor"
    for _ in $(seq 1 "$warmup"); do
      run_timed hugo "$site_h" "$out_h" >/dev/null
      run_timed duos "$site_d" "$out_d" >/dev/null
      run_timed floor "$out_d" "$out_f" >/dev/null
    done
    for tool in hugo duos floor; do : >"$dir/samples-$tool.txt"; done
    for r in $(seq 1 "$runs"); do
      run_timed hugo "$site_h" "$out_h" >>"$dir/samples-hugo.txt"
      run_timed duos "$site_d" "$out_d" >>"$dir/samples-duos.txt"
      run_timed floor "$out_d" "$out_f" >>"$dir/samples-floor.txt"
      echo "bench-site: N=$n $set run $r: hugo $(tail -n 1 "$dir/samples-hugo.txt"); duos $(tail -n 1 "$dir/samples-duos.txt"); floor $(tail -n 1 "$dir/samples-floor.txt")" >&2
    done
    for tool in hugo duos floor; do
      f="$dir/samples-$tool.txt"
      secs=$(awk '{ print $1 }' "$f" | median)
      kib=$(awk '{ print $2 }' "$f" | median)
      cpu=$(awk '{ print $3 + $4 }' "$f" | median)
      case $tool in hugo) o=$out_h ;; duos) o=$out_d ;; floor) o=$out_f ;; esac
      pages=$( (find "$o" -name '*.html' 2>/dev/null || true) | wc -l)
      mib=$(du -sm "$o" | awk '{ print $1 }')
      echo "$n $set $tool $secs $kib $pages $cpu $mib" >>"$results"
    done
    if [ "${KEEP:-0}" != 1 ]; then rm -rf "$dir"; fi
  done
done

echo
printf '%-7s %-8s %-6s %8s %8s %10s %7s %8s\n' N templates tool "wall s" "cpu s" "peak MiB" "pages" "out MiB"
while read -r n set tool secs kib pages cpu mib; do
  printf '%-7s %-8s %-6s %8.3f %8.2f %10.1f %7s %8s\n' "$n" "$set" "$tool" "$secs" "$cpu" "$(awk -v k="$kib" 'BEGIN { print k / 1024 }')" "$pages" "$mib"
done <"$results"
echo
printf '%-7s %-8s %12s %12s %12s %12s\n' N templates "wall d/floor" "wall d/h" "cpu d/h" "peak d/h"
for n in $sizes; do
  for set in $template_sets; do
    awk -v n="$n" -v t="$set" '$1 == n && $2 == t && $3 == "hugo" { hs = $4; hk = $5; hc = $7 }
      $1 == n && $2 == t && $3 == "duos" { ds = $4; dk = $5; dc = $7 }
      $1 == n && $2 == t && $3 == "floor" { fs = $4 }
      END { printf "%-7s %-8s %12.2f %12.3f %12.3f %12.3f\n", n, t, (fs > 0 ? ds / fs : 0), (hs > 0 ? ds / hs : 0), (hc > 0 ? dc / hc : 0), (hk > 0 ? dk / hk : 0) }' "$results"
  done
done
if echo "$template_sets" | grep -q minimal && echo "$template_sets" | grep -q default; then
  echo
  printf '%-7s %22s\n' N "duos default/minimal"
  for n in $sizes; do
    awk -v n="$n" '$1 == n && $3 == "duos" && $2 == "minimal" { m = $4 } $1 == n && $3 == "duos" && $2 == "default" { d = $4 }
      END { printf "%-7s %22.2f\n", n, (m > 0 ? d / m : 0) }' "$results"
  done
fi
echo
echo "(median of $runs paired runs after $warmup warm-up; outputs on $(df --output=fstype "$work" 2>/dev/null | tail -n 1) at $BENCH_DIR; $(nproc) CPUs; $(hugo version | awk '{ print $1, $2 }'); load average $(cut -d" " -f1-3 /proc/loadavg 2>/dev/null || echo "?"))"
