#!/usr/bin/env bash
# Runs every test of duos on a fresh machine: installs what the tests need
# (a Python venv with moto's DynamoDB-speaking server, ...), starts the servers
# the tests talk to on 127.0.0.1, runs format/lint checks and the whole test
# suite, and stops what it started.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

step() { printf '\n== %s ==\n' "$*"; }

# --- Python tools (moto's server speaks DynamoDB and SES v2 on loopback) -----
step "python venv (.venv) with moto[server]"
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
if ! .venv/bin/python -c 'import moto, flask' 2>/dev/null; then
  .venv/bin/pip install --quiet --disable-pip-version-check 'moto[server]>=5'
fi
.venv/bin/moto_server --help >/dev/null

# --- the AWS template's linter -------------------------------------------------
step "cfn-lint infra/template.yaml"
./scripts/cfn-lint.sh

# --- node packages: a real OpenID provider for the sign-in tests ---------------
step "npm ci (functions/tests/oidc: oidc-provider)"
command -v node >/dev/null || { echo "node and npm are needed (apt-get install -y nodejs npm)" >&2; exit 1; }
(cd functions/tests/oidc && npm ci --no-audit --no-fund --loglevel=error)

# --- start moto_server on a free loopback port -------------------------------
# functions/tests/support/moto_server.py is moto's server with requests served
# one at a time: plain moto lets concurrent transactions both pass a condition
# (see that file), which real DynamoDB never does.
step "start moto_server (serialized) on 127.0.0.1"
port=$(.venv/bin/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
log_dir=$(mktemp -d)
.venv/bin/python functions/tests/support/moto_server.py -H 127.0.0.1 -p "$port" >"$log_dir/moto.log" 2>&1 &
moto_pid=$!
cleanup() {
  kill "$moto_pid" 2>/dev/null || true
  wait "$moto_pid" 2>/dev/null || true
  rm -rf "$log_dir"
}
trap cleanup EXIT
for _ in $(seq 1 100); do
  if .venv/bin/python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/moto-api/')" 2>/dev/null; then
    break
  fi
  if ! kill -0 "$moto_pid" 2>/dev/null; then
    cat "$log_dir/moto.log"; echo "moto_server exited early" >&2; exit 1
  fi
  sleep 0.2
done
export DUOS_TEST_DYNAMODB_ENDPOINT="http://127.0.0.1:$port"
echo "moto_server at $DUOS_TEST_DYNAMODB_ENDPOINT"

# --- Rust checks and tests ----------------------------------------------------
step "cargo fmt --check"
cargo fmt --all -- --check

# Two builds of the `duos` CLI: the default one (the README's first command,
# no AWS SDK) and the one with the `aws` feature (`--table`, the deploy
# guide's). Every crate is checked and tested with it; the default build is
# linted, and its `--table` refusal tested, on its own.
step "cargo clippy --all-targets -D warnings (with the aws feature, and duos without it)"
cargo clippy --workspace --all-targets --locked --features duos/aws -- -D warnings
cargo clippy -p duos --all-targets --locked -- -D warnings

step "cargo test: duos without the aws feature (--table refused)"
cargo test -p duos --locked --bins --test cli_aws_feature

step "cargo test (all crates, duos with the aws feature)"
cargo test --workspace --locked --features duos/aws

# --- the whole program in a real browser ---------------------------------------
# Uses the duos binary `cargo test` just built (debug), so no second build.
step "browser tests (duos serve in headless Chromium)"
DUOS_BIN="${CARGO_TARGET_DIR:-$root/target}/debug/duos" ./scripts/browser-tests.sh

echo
echo "all tests passed"
