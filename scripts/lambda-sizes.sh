#!/usr/bin/env bash
# Builds every Lambda function as `sam build` does (cargo-lambda, release,
# provided.al2023) and prints each bootstrap's size, raw and zipped (what
# Lambda's 50 MB zipped / 250 MB unzipped limits count).
#
#   scripts/lambda-sizes.sh            # arm64, as infra/template.yaml deploys
#   ARCH=x86_64 scripts/lambda-sizes.sh
#
# Installs cargo-lambda and zig (PyPI) into .venv, and the Rust standard
# library of the target (rustup), when missing. The release profile has no
# LTO (fast `cargo run --release`); the Lambda packages get thin LTO, size
# optimisation and one codegen unit here, through CARGO_PROFILE_RELEASE_*,
# as `sam build` does (infra/README.md, step 3); each can be overridden
# from the environment.
# Not part of the test command: eight LTO binaries take long on two cores. Figures: BENCHMARKS.md, "Lambda packages".
set -euo pipefail
cd "$(dirname "$0")/.."
arch=${ARCH:-arm64}
case "$arch" in
  arm64) flag=--arm64 triple=aarch64-unknown-linux-gnu ;;
  x86_64) flag=--x86-64 triple=x86_64-unknown-linux-gnu ;;
  *) echo "ARCH must be arm64 or x86_64, not $arch" >&2; exit 2 ;;
esac
[ -x .venv/bin/python ] || python3 -m venv .venv
if [ ! -x .venv/bin/cargo-lambda ] || ! .venv/bin/python -c 'import ziglang' 2>/dev/null; then
  .venv/bin/pip install --quiet --disable-pip-version-check cargo-lambda ziglang
fi
rustup target list --installed | grep -qx "$triple" || rustup target add "$triple"
export PATH="$PWD/.venv/bin:$PATH"
target=${CARGO_TARGET_DIR:-target}
CARGO_PROFILE_RELEASE_LTO=${CARGO_PROFILE_RELEASE_LTO:-thin} \
CARGO_PROFILE_RELEASE_OPT_LEVEL=${CARGO_PROFILE_RELEASE_OPT_LEVEL:-s} \
CARGO_PROFILE_RELEASE_CODEGEN_UNITS=${CARGO_PROFILE_RELEASE_CODEGEN_UNITS:-1} \
  cargo lambda build --release "$flag" -p duos-lambda --bins --features lambda --locked >&2
.venv/bin/python - "$target/lambda" "$arch" <<'PY'
import io, os, sys, zipfile
root, arch = sys.argv[1], sys.argv[2]
names = ["applications", "nominations", "matches", "duos-fn", "surveys", "me", "session", "scheduler"]
print(f"| function | bootstrap ({arch}) | zipped (deflate -9) |")
print("|---|---:|---:|")
for name in names:
    path = os.path.join(root, name, "bootstrap")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.write(path, "bootstrap")
    raw, zipped = os.path.getsize(path), len(buf.getvalue())
    print(f"| {name} | {raw:,} B ({raw / 2**20:.1f} MiB) | {zipped:,} B ({zipped / 2**20:.1f} MiB) |")
PY
