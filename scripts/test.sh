#!/usr/bin/env bash
# The one test command. CI (.ci/run) calls it with no argument.
#
#   scripts/test.sh          everything: what CI runs
#   scripts/test.sh quick    format, clippy, unit and integration tests
#
# It installs what is missing first (scripts/install.sh: rustup components
# and targets, Debian packages, pinned cargo tools; each checks before it
# installs), prints the seconds each step took, and ends with
# `checks: N passed, 0 failed` (any failure stops it: set -e).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/install.sh
. scripts/install.sh

mode=${1:-full}
case "$mode" in
  full | quick) ;;
  *) echo "usage: scripts/test.sh [quick]" >&2; exit 2 ;;
esac

steps=0
timings=()
total_start=$SECONDS
step() {
  local name=$1 start=$SECONDS
  shift
  printf '\n=== %s\n' "$name"
  "$@"
  steps=$((steps + 1))
  timings+=("$(printf '%5ds  %s' $((SECONDS - start)) "$name")")
  printf -- '--- %s: %ds\n' "$name" $((SECONDS - start))
}

toolchain() {
  need_rustup_component rustfmt clippy
  need_rustup_target thumbv7em-none-eabihf wasm32-unknown-unknown
  # benches/ (the DANE peer) and the differential tests link OpenSSL 3's
  # libssl; the fixtures check runs the openssl command.
  need_apt openssl libssl-dev pkg-config
  rustc --version
}

format() {
  cargo fmt --all -- --check
  (cd fuzz && cargo fmt -- --check)
}

clippy() {
  cargo clippy --workspace --all-targets --all-features --locked -- -D warnings
  # Core without features, as bare-metal callers build it.
  cargo clippy -p mxtrust --all-targets --locked -- -D warnings
}

tests() {
  cargo test --workspace --all-features --locked
  cargo test -p mxtrust --locked
}

rustdoc() {
  RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --all-features --locked
}

no_std_builds() {
  # Bare metal without a crypto provider, and wasm.
  cargo build -p mxtrust --target thumbv7em-none-eabihf --locked
  if cargo tree -p mxtrust --target thumbv7em-none-eabihf -e normal --prefix none | grep -q '^ring '; then
    echo "ring is in core's bare-metal dependency graph" >&2
    return 1
  fi
  cargo build -p mxtrust --target wasm32-unknown-unknown --locked
}

zero_alloc() {
  # Link time: a bare-metal static library without a global allocator,
  # which rustc refuses to produce if anything in the graph uses alloc.
  cargo build --manifest-path tests/no-alloc/Cargo.toml --target thumbv7em-none-eabihf \
    --release --target-dir target/no-alloc
  # Run time: a counting allocator around the no-alloc feature set.
  cargo test --manifest-path tests/zero-alloc/Cargo.toml --target-dir target/zero-alloc
  # Footprint: the tiny firmware image stays within its .text budget.
  bash tests/no-alloc/size.sh --check
}

fixtures() { bash tests/fixtures/dane/check.sh; }
benches_build() { cargo build -p mxtrust-benches --benches --bins --locked; }
c_library() { bash ffi/tests/run.sh; }
real_stack() { bash tests/stack/run.sh; }
# The npm package: builds it (installing clang, wasm-bindgen-cli and
# binaryen when missing), runs the bindings under Node, then node --test
# and tsc over the packed tarball installed in a fresh folder.
wasm_package() { bash wasm/test.sh; }
# The checker page (web/) in Debian's chromium: every mode against the
# CLI's verdicts, axe-core, screenshots; the package wasm/test.sh just built.
web_page() { MXTRUST_WASM_FRESH=1 bash web/test.sh; }
# Every target builds and runs 15 seconds from seeded corpora (fuzz/ is its
# own workspace); longer runs are manual, see fuzz/smoke.sh.
fuzz_smoke() { bash fuzz/smoke.sh 15; }

step "toolchain" toolchain
step "format" format
step "clippy" clippy
step "tests" tests
if [ "$mode" = full ]; then
  step "rustdoc" rustdoc
  step "no_std builds of core" no_std_builds
  step "zero allocation (link time and run time)" zero_alloc
  step "fixtures agree with openssl" fixtures
  step "benchmarks build (they run with benches/run.sh, not here)" benches_build
  step "C library: header drift, C tests under ASan/UBSan and valgrind, install" c_library
  step "real stack: DNSSEC (nsd, unbound), Postfix, Exim, Redis, workerd; every surface's cases" real_stack
  step "wasm package: build, wasm-bindgen tests in Node, node --test on the packed package" wasm_package
  step "checker page: every mode in chromium, axe-core, screenshots" web_page
  step "fuzz smoke run" fuzz_smoke
fi

printf '\ntimes (%s):\n' "$mode"
printf '%s\n' "${timings[@]}"
printf '%5ds  total\n' $((SECONDS - total_start))
# Every step stops the script on failure (set -e), so reaching this line
# means they all passed.
printf '\nchecks: %d passed, 0 failed\n' "$steps"
