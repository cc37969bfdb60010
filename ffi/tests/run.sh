#!/usr/bin/env bash
# The C library's checks: builds libmxtrust, checks the committed header
# against cbindgen, builds the C tests with -std=c11 -Wall -Wextra -Wpedantic
# -Werror and runs them three ways (ASan+UBSan on the static library,
# valgrind on the shared library, valgrind on the static library), installs
# into a temporary prefix and builds a program with pkg-config alone, and
# checks that the README lists the native libraries rustc reports.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)

step() { printf '\n--- %s\n' "$*"; }

step "tools"
missing=()
command -v gcc >/dev/null || missing+=(gcc)
command -v valgrind >/dev/null || missing+=(valgrind)
command -v pkg-config >/dev/null || missing+=(pkg-config)
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq && apt-get install -y -qq "${missing[@]}"
fi

target_dir=$(cargo metadata --format-version 1 --no-deps --locked |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

step "build libmxtrust (debug)"
cargo build -p mxtrust-ffi --locked
lib="$target_dir/debug"

step "header drift"
bash ffi/header.sh --check

CFLAGS=(-std=c11 -Wall -Wextra -Wpedantic -Werror -g -Iffi/include -Iffi/tests)
native_libs=$(bash ffi/native-libs.sh)
# native-libs.sh rebuilt the release static library only; nothing here uses it.

# Runs a test binary; it must exit 0 and end with "N passed, 0 failed".
run_c_tests() {
  local name=$1; shift
  local out="$work/$name.out"
  if ! "$@" tests/fixtures/dane >"$out" 2>&1; then
    cat "$out"; echo "C tests ($name) failed" >&2; exit 1
  fi
  local last
  last=$(tail -n 1 "$out")
  if ! [[ $last =~ ^[0-9]+\ passed,\ 0\ failed$ ]]; then
    cat "$out"; echo "C tests ($name): unexpected closing line: $last" >&2; exit 1
  fi
  echo "$name: $last"
}

step "C tests under AddressSanitizer + UndefinedBehaviorSanitizer (static library)"
# shellcheck disable=SC2086 # native_libs is a list of -l flags
gcc "${CFLAGS[@]}" -fsanitize=address,undefined -fno-sanitize-recover=all \
  ffi/tests/test_mxtrust.c "$lib/libmxtrust.a" $native_libs -o "$work/test_asan"
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  run_c_tests asan-ubsan "$work/test_asan"

step "C tests under valgrind (shared library)"
gcc "${CFLAGS[@]}" ffi/tests/test_mxtrust.c -L"$lib" -lmxtrust -o "$work/test_shared"
LD_LIBRARY_PATH="$lib" run_c_tests valgrind-shared \
  valgrind -q --error-exitcode=1 --leak-check=full "$work/test_shared"

step "C tests under valgrind (static library)"
# shellcheck disable=SC2086
gcc "${CFLAGS[@]}" ffi/tests/test_mxtrust.c "$lib/libmxtrust.a" $native_libs \
  -o "$work/test_static"
run_c_tests valgrind-static \
  valgrind -q --error-exitcode=1 --leak-check=full "$work/test_static"

step "install and pkg-config"
bash ffi/install.sh "$work/prefix" >/dev/null
for f in lib/libmxtrust.a lib/libmxtrust.so include/mxtrust.h lib/pkgconfig/mxtrust.pc; do
  [ -f "$work/prefix/$f" ] || { echo "install did not write $f" >&2; exit 1; }
done
export PKG_CONFIG_PATH="$work/prefix/lib/pkgconfig"
# shellcheck disable=SC2046 # pkg-config prints flags to split
gcc -std=c11 -Wall -Wextra -Wpedantic -Werror ffi/tests/pkgconfig_smoke.c \
  $(pkg-config --cflags --libs mxtrust) -o "$work/smoke_shared"
LD_LIBRARY_PATH="$work/prefix/lib" "$work/smoke_shared"
# Static: the archive plus Libs.private, nothing else.
# shellcheck disable=SC2046
gcc -std=c11 -Wall -Wextra -Wpedantic -Werror ffi/tests/pkgconfig_smoke.c \
  $(pkg-config --cflags mxtrust) $(pkg-config --libs-only-L mxtrust) \
  -Wl,-Bstatic -lmxtrust -Wl,-Bdynamic \
  $(pkg-config --static --libs-only-l mxtrust | sed 's/-lmxtrust//') \
  -o "$work/smoke_static"
if ldd "$work/smoke_static" | grep -q libmxtrust; then
  echo "the static smoke test links libmxtrust.so" >&2; exit 1
fi
"$work/smoke_static"

step "README lists the native libraries of a static link"
pc_libs=$(sed -n 's/^Libs.private: //p' "$work/prefix/lib/pkgconfig/mxtrust.pc")
[ "$pc_libs" = "$native_libs" ] || {
  echo "mxtrust.pc Libs.private '$pc_libs' != rustc's '$native_libs'" >&2; exit 1; }
grep -qxF -- "$native_libs" "$root/ffi/README.md" || {
  echo "ffi/README.md does not list the native libraries rustc reports:" >&2
  echo "  $native_libs" >&2; exit 1; }
echo "native libraries: $native_libs"

step "README result-code table matches the header"
codes=$(sed -n '/^enum mxtrust_result$/,/^};/p' ffi/include/mxtrust.h |
  sed -n 's/^ *\(MXTRUST_RESULT_[A-Z0-9_]*\) = \([0-9]*\),$/\2 \1/p')
[ -n "$codes" ] || { echo "no result codes found in the header" >&2; exit 1; }
while read -r value name; do
  grep -qF "| $value | \`$name\` |" "$root/ffi/README.md" || {
    echo "ffi/README.md result table lacks $name = $value" >&2; exit 1; }
done <<<"$codes"
echo "$(wc -l <<<"$codes") result codes documented"

echo
echo "C library checks passed"
