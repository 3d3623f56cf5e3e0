#!/usr/bin/env bash
# The browser tests of `duos serve` (tests/browser): headless Chromium from
# Debian driven by playwright-core, axe-core, node's test runner.
#
# Installs Chromium if it is missing (apt), runs `npm ci` in tests/browser,
# builds the release duos (or uses $DUOS_BIN when set), starts `duos serve` on a free 127.0.0.1 port with a
# fresh data folder on a copy of the site root (the tests edit that copy,
# never the repository's content), waits for it, runs the tests (which
# restart the server once, with a later --today, on the same data), and
# stops every server it started. With CI=true a missing Chromium or node
# module is a failure, never a skip. Screenshots: $DUOS_SCREENSHOTS (default:
# a temporary folder, printed).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
step() { printf '\n== %s ==\n' "$*"; }

step "chromium"
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "chromium is missing: sudo apt-get install -y chromium" >&2
    exit 1
  fi
fi
/usr/bin/chromium --version

step "node modules (npm ci in tests/browser)"
command -v node >/dev/null || { echo "node is missing (apt-get install -y nodejs npm)" >&2; exit 1; }
(cd tests/browser && npm ci --no-audit --no-fund --loglevel=error)

if [ -n "${DUOS_BIN:-}" ]; then
  # A duos binary built elsewhere (e.g. by scripts/test.sh); must exist.
  [ -x "$DUOS_BIN" ] || { echo "DUOS_BIN=$DUOS_BIN is not an executable" >&2; exit 1; }
else
  step "cargo build --release (duos)"
  cargo build --release --bin duos
  target="${CARGO_TARGET_DIR:-$repo/target}"
  export DUOS_BIN="$target/release/duos"
fi

work=$(mktemp -d)
export DUOS_PIDFILE="$work/pids"
: >"$DUOS_PIDFILE"
cleanup() {
  while read -r pid; do
    [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  done <"$DUOS_PIDFILE"
  sleep 0.5
  while read -r pid; do
    [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null || true
  done <"$DUOS_PIDFILE"
  rm -rf "$work"
}
trap cleanup EXIT

step "duos serve on a copy of the site root"
mkdir -p "$work/site" "$work/data"
for d in content themes static templates; do
  [ -d "$d" ] && cp -R "$d" "$work/site/$d"
done
port=$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
"$DUOS_BIN" serve --root "$work/site" --data "$work/data" --port "$port" --today 2008-03-01 >"$work/serve.log" 2>&1 &
echo $! >>"$DUOS_PIDFILE"
export DUOS_SERVER_PID=$!
export DUOS_URL="http://127.0.0.1:$port" DUOS_ROOT="$work/site" DUOS_DATA="$work/data" DUOS_SERVER_LOG="$work/serve.log"
for _ in $(seq 1 300); do
  if node -e 'fetch(process.argv[1]).then(()=>process.exit(0),()=>process.exit(1))' "$DUOS_URL/" 2>/dev/null; then
    break
  fi
  if ! kill -0 "$DUOS_SERVER_PID" 2>/dev/null; then
    cat "$work/serve.log"; echo "duos serve exited early" >&2; exit 1
  fi
  sleep 0.2
done
head -n 3 "$work/serve.log"

step "browser tests (node --test)"
cd tests/browser
# A hung step fails its test after 3 minutes instead of stalling CI.
node --test --test-concurrency=1 --test-timeout=180000
