#!/usr/bin/env bash
# duos serve's incremental rebuild: how long after a profile file is saved
# the pages it touches are written, at N curated profiles.
#
#   scripts/bench-serve.sh                  # N = 10000, 30 edits per change
#   SIZES="1000 10000" RUNS=50 scripts/bench-serve.sh
#   DUOS_BIN=path/to/duos scripts/bench-serve.sh   # an already built binary
#
# For each N, scripts/bench_corpus.py writes the site-build benchmark's duos
# corpus (program.yaml with 12 expertise terms, three pages, N profiles in
# content/mentors with ~250-word bios) and the repository's themes/ is
# copied in. scripts/bench_serve.py then starts `duos serve` on it
# (127.0.0.1, a free port, a fresh data folder), edits the profile in the
# middle of content/mentors RUNS times per kind of change (bio, card,
# expertise), one save at a time, and prints a table: the pages each update
# wrote, and the median and 90th percentile of (1) the server's own figure,
# from the file event its watcher received to the pages written, and (2) from
# just before the file was written to the server's line about it read by
# the script. One full rebuild (a page edited) is timed for comparison. The
# server is stopped at the end.
#
# Needs: python3, cargo. The binary is built with `cargo build --release
# --bin duos` into $CARGO_TARGET_DIR (default: ./target) unless DUOS_BIN is
# set.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
sizes=${SIZES:-10000}
runs=${RUNS:-30}

command -v python3 >/dev/null 2>&1 || { echo "bench-serve: python3 not found" >&2; exit 2; }
if [ -n "${DUOS_BIN:-}" ]; then
  duos=$DUOS_BIN
else
  export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$repo/target}
  echo "bench-serve: cargo build --release --bin duos (target dir: $CARGO_TARGET_DIR)" >&2
  (cd "$repo" && cargo build --release --quiet --bin duos)
  duos="$CARGO_TARGET_DIR/release/duos"
fi
[ -x "$duos" ] || { echo "bench-serve: $duos was not built" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/duos-bench-serve.XXXXXX")
trap 'rm -rf "$work"' EXIT

for n in $sizes; do
  site="$work/$n/site"
  python3 "$repo/scripts/bench_corpus.py" --n "$n" --duos "$site" >/dev/null
  cp -r "$repo/themes" "$site/themes"
  echo
  python3 "$repo/scripts/bench_serve.py" --duos "$duos" --root "$site" --runs "$runs"
done
