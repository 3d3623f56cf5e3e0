#!/usr/bin/env bash
# Site build benchmark: duos against Hugo on the same generated corpus.
#
#   scripts/bench-site.sh            # N = 1000 and 10000, 3 runs each, median
#   SIZES="1000" RUNS=5 scripts/bench-site.sh
#   KEEP=1 scripts/bench-site.sh     # keep the corpora and outputs (path printed)
#   DUOS_BIN=path/to/duos scripts/bench-site.sh   # use a built binary, skip cargo
#
# For each N, scripts/bench_corpus.py writes a duos site (content/program.yaml,
# a few pages, N content/mentors/mentor-NNNNN.yaml with ~250-word markdown
# bios) and the equivalent Hugo site (one content page per mentor with the same
# fields in front matter, a directory page, one page per expertise term through
# a Hugo taxonomy, and a base layout of about the size of themes/default's).
# Each tool builds into a fresh output folder every run:
#   hugo --quiet -s HUGO_SITE -d OUT_H
#   duos build --root DUOS_SITE --out OUT_D
# measured with /usr/bin/time -f '%e %M %U %S' (wall seconds, peak RSS KiB,
# user and system CPU seconds; CPU time is the steadier figure on a busy
# machine). One
# untimed warm-up run per tool and size, then RUNS timed runs; the table shows
# the medians and the duos/hugo ratios (below 1 means duos is faster/smaller).
#
# Needs: hugo (apt-get install hugo), GNU time (/usr/bin/time; installed with
# apt-get if missing), python3, cargo. The duos binary is built with
# `cargo build --release` into $CARGO_TARGET_DIR (default: ./target).
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
sizes=${SIZES:-"1000 10000"}
runs=${RUNS:-3}
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

work=$(mktemp -d "${TMPDIR:-/tmp}/duos-bench.XXXXXX")
cleanup() {
  if [ "${KEEP:-0}" = 1 ]; then
    echo "bench-site: kept $work" >&2
  else
    rm -rf "$work"
  fi
}
trap cleanup EXIT

# run_timed TOOL SITE OUT -> prints "wall_seconds peak_kib user_seconds sys_seconds"
run_timed() {
  local tool=$1 site=$2 out=$3 tf="$work/time.txt" log="$work/build.log"
  rm -rf "$out"
  local status=0
  case $tool in
    hugo) /usr/bin/time -f '%e %M %U %S' -o "$tf" hugo --quiet -s "$site" -d "$out" >"$log" 2>&1 || status=$? ;;
    duos) /usr/bin/time -f '%e %M %U %S' -o "$tf" "$duos" build --root "$site" --out "$out" >"$log" 2>&1 || status=$? ;;
  esac
  if [ "$status" != 0 ]; then
    echo "bench-site: $tool build failed (exit $status):" >&2
    tail -n 20 "$log" >&2
    exit 1
  fi
  tail -n 1 "$tf"
}

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

results="$work/results.txt"
: >"$results"
for n in $sizes; do
  site_d="$work/$n/duos" site_h="$work/$n/hugo"
  python3 "$repo/scripts/bench_corpus.py" --n "$n" --duos "$site_d" --hugo "$site_h"
  if [ -d "$repo/themes" ]; then
    cp -r "$repo/themes" "$site_d/themes"
  fi
  for tool in hugo duos; do
    if [ "$tool" = hugo ]; then site=$site_h; else site=$site_d; fi
    out="$work/$n/out-$tool"
    for _ in $(seq 1 "$warmup"); do run_timed "$tool" "$site" "$out" >/dev/null; done
    : >"$work/samples.txt"
    for r in $(seq 1 "$runs"); do
      run_timed "$tool" "$site" "$out" >>"$work/samples.txt"
      echo "bench-site: N=$n $tool run $r: $(tail -n 1 "$work/samples.txt")" >&2
    done
    secs=$(awk '{ print $1 }' "$work/samples.txt" | median)
    kib=$(awk '{ print $2 }' "$work/samples.txt" | median)
    cpu=$(awk '{ print $3 + $4 }' "$work/samples.txt" | median)
    pages=$( (find "$out" -name '*.html' 2>/dev/null || true) | wc -l)
    echo "$n $tool $secs $kib $pages $cpu" >>"$results"
  done
done

echo
printf '%-7s %-5s %8s %8s %10s %7s\n' N tool "wall s" "cpu s" "peak MiB" "pages"
while read -r n tool secs kib pages cpu; do
  printf '%-7s %-5s %8.2f %8.2f %10.1f %7s\n' "$n" "$tool" "$secs" "$cpu" "$(awk -v k="$kib" 'BEGIN { print k / 1024 }')" "$pages"
done <"$results"
echo
printf '%-7s %12s %12s %12s\n' N "wall d/h" "cpu d/h" "peak d/h"
for n in $sizes; do
  awk -v n="$n" '$1 == n && $2 == "hugo" { hs = $3; hk = $4; hc = $6 } $1 == n && $2 == "duos" { ds = $3; dk = $4; dc = $6 }
    END { printf "%-7s %12.2f %12.2f %12.2f\n", n, (hs > 0 ? ds / hs : 0), (hc > 0 ? dc / hc : 0), (hk > 0 ? dk / hk : 0) }' "$results"
done
echo
echo "(median of $runs runs after $warmup warm-up; $(nproc) CPUs; $(hugo version | awk '{ print $1, $2 }'); load average $(cut -d" " -f1-3 /proc/loadavg 2>/dev/null || echo "?"))"
