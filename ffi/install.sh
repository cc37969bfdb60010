#!/usr/bin/env bash
# Builds libmxtrust in release mode and installs it under PREFIX:
#   PREFIX/lib/libmxtrust.a, PREFIX/lib/libmxtrust.so,
#   PREFIX/include/mxtrust.h, PREFIX/lib/pkgconfig/mxtrust.pc
# Usage: ffi/install.sh PREFIX   (honours CARGO_TARGET_DIR)
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: $0 PREFIX" >&2; exit 2; }
mkdir -p "$1"
prefix=$(cd "$1" && pwd)
cd "$(dirname "$0")/.."

target_dir=$(cargo metadata --format-version 1 --no-deps --locked |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
cargo build -p mxtrust-ffi --release --locked
# The system libraries a static link needs, as rustc reports them; the
# README lists the same (ffi/tests/run.sh checks).
native_libs=$(bash ffi/native-libs.sh)

install -d "$prefix/lib/pkgconfig" "$prefix/include"
install -m 644 "$target_dir/release/libmxtrust.a" "$prefix/lib/libmxtrust.a"
install -m 755 "$target_dir/release/libmxtrust.so" "$prefix/lib/libmxtrust.so"
install -m 644 ffi/include/mxtrust.h "$prefix/include/mxtrust.h"
version=$(cargo pkgid -p mxtrust-ffi | sed 's/.*[#@]//')
cat > "$prefix/lib/pkgconfig/mxtrust.pc" <<PC
prefix=$prefix
exec_prefix=\${prefix}
libdir=\${exec_prefix}/lib
includedir=\${prefix}/include

Name: mxtrust
Description: DANE and MTA-STS validation for mail software
Version: $version
Cflags: -I\${includedir}
Libs: -L\${libdir} -lmxtrust
Libs.private: $native_libs
PC
echo "installed libmxtrust $version under $prefix"
