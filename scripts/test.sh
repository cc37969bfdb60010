#!/usr/bin/env bash
# The one test command: installs what is missing (rustup components and
# targets, Debian packages, pinned cargo tools; each step's own script checks
# first), then runs every check. CI (.ci/run) calls exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."

steps=0
step() { steps=$((steps + 1)); printf '\n=== %s\n' "$*"; }

step "toolchain"
for component in rustfmt clippy; do
  rustup component list --installed | grep -q "^${component}" || rustup component add "$component"
done
for target in thumbv7em-none-eabihf wasm32-unknown-unknown; do
  rustup target list --installed | grep -qx "$target" || rustup target add "$target"
done
command -v openssl >/dev/null || { apt-get update -qq && apt-get install -y -qq openssl; }
# benches/ (the DANE peer) and the differential tests link OpenSSL 3's libssl.
pkg-config --exists openssl 2>/dev/null || {
  apt-get update -qq && apt-get install -y -qq libssl-dev pkg-config
}
rustc --version

step "format"
cargo fmt --all -- --check

step "clippy"
cargo clippy --workspace --all-targets --all-features --locked -- -D warnings
# Core without features, as bare-metal callers build it.
cargo clippy -p mxtrust --all-targets --locked -- -D warnings

step "rustdoc"
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --all-features --locked

step "no_std builds of core"
# Bare metal without a crypto provider: nothing may link alloc. A static
# library without a global allocator proves it at link time.
cargo build -p mxtrust --target thumbv7em-none-eabihf --locked
cargo build --manifest-path ci/no-alloc/Cargo.toml --target thumbv7em-none-eabihf --release \
  --target-dir target/no-alloc
if cargo tree -p mxtrust --target thumbv7em-none-eabihf -e normal --prefix none | grep -q '^ring '; then
  echo "ring is in core's bare-metal dependency graph" >&2; exit 1
fi
cargo build -p mxtrust --target wasm32-unknown-unknown --locked

step "fixtures agree with openssl"
bash tests/fixtures/dane/check.sh

step "benchmarks build (they run with benches/run.sh, not here)"
cargo build -p mxtrust-benches --benches --bins --locked

step "tests"
cargo test --workspace --all-features --locked
cargo test -p mxtrust --locked

step "C library (libmxtrust): header drift, C tests under ASan/UBSan and valgrind, install"
bash ffi/tests/run.sh

step "zero allocation (no-alloc feature set, own workspace)"
cargo test --manifest-path tests/zero-alloc/Cargo.toml --target-dir target/zero-alloc

step "real stack: DNSSEC (nsd, unbound), Postfix STARTTLS, the C client on libmxtrust"
bash tests/stack/run.sh

step "fuzz smoke run"
# Every target builds and runs 15 seconds from seeded corpora (fuzz/ is its
# own workspace); longer runs are manual, see fuzz/smoke.sh.
bash fuzz/smoke.sh 15

# Every step above stops the script on failure (set -e), so reaching this
# line means they all passed.
printf '\nchecks: %d passed, 0 failed\n' "$steps"
