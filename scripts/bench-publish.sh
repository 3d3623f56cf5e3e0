#!/usr/bin/env bash
# Publishing benchmark: one changed profile published into a site of N store
# profiles, locally (generator::Site::publish, then the files written into a
# site folder, as `duos serve` does on each change).
#
#   scripts/bench-publish.sh                 # N = 500, 1000 and 10000, 21 runs per change
#   SIZES="10000" RUNS=51 scripts/bench-publish.sh
#   BENCH_BIN=path/to/bench_publish scripts/bench-publish.sh   # an already built example
#
# For each N, scripts/bench_corpus.py writes the site-build benchmark's duos
# corpus (program.yaml with 12 expertise terms, three pages, N profiles with
# ~250-word bios); the profiles are moved out of content/mentors and handed to
# the site as the store's published profiles. The example
# generator/examples/bench_publish.rs loads the site once, then applies each
# kind of change RUNS times and prints a table per N: pages written, bytes,
# median and slowest milliseconds of publish + write.
#
# Needs: python3, cargo. The example is built with
# `cargo build --release -p generator --example bench_publish` into
# $CARGO_TARGET_DIR (default: ./target).
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
sizes=${SIZES:-"500 1000 10000"}
runs=${RUNS:-21}

command -v python3 >/dev/null 2>&1 || { echo "bench-publish: python3 not found" >&2; exit 2; }
if [ -n "${BENCH_BIN:-}" ]; then
  bench=$BENCH_BIN
else
  export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$repo/target}
  echo "bench-publish: cargo build --release -p generator --example bench_publish (target dir: $CARGO_TARGET_DIR)" >&2
  (cd "$repo" && cargo build --release --quiet -p generator --example bench_publish)
  bench="$CARGO_TARGET_DIR/release/examples/bench_publish"
fi
[ -x "$bench" ] || { echo "bench-publish: $bench was not built" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/duos-bench-publish.XXXXXX")
trap 'rm -rf "$work"' EXIT

for n in $sizes; do
  site="$work/$n/site"
  python3 "$repo/scripts/bench_corpus.py" --n "$n" --duos "$site"
  cp -r "$repo/themes" "$site/themes"
  mv "$site/content/mentors" "$work/$n/profiles"
  echo
  "$bench" --root "$site" --profiles "$work/$n/profiles" --runs "$runs"
done
