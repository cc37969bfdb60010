# Install-if-missing helpers, sourced by every script that needs a tool:
# scripts/test.sh, ffi/header.sh, fuzz/smoke.sh, benches/run.sh and
# tests/stack/run.sh. Each helper checks first and installs only what is
# missing, so a second run installs nothing; versions are pinned where the
# output depends on them.
#
#   need_apt PACKAGE...                  Debian packages (apt-get update once)
#   need_cargo_tool BIN CRATE VERSION    a pinned `cargo install`
#   need_rustup_target TARGET...         rustup targets
#   need_rustup_component COMPONENT...   rustup components
#   need_npm_ci DIR                      `npm ci` from DIR's committed lockfile
#   need_pip_venv DIR REQUIREMENTS       a venv at DIR with pinned packages
#
# shellcheck shell=bash

_mxtrust_apt_updated=

need_apt() {
  local missing=() p
  for p in "$@"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "installing (apt): ${missing[*]}"
  # Keep packaged daemons (unbound, nsd, postfix) from starting: tests run
  # their own instances on loopback only.
  local own_policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d
    own_policy=1
  fi
  if [ -z "$_mxtrust_apt_updated" ]; then
    apt-get update -qq
    _mxtrust_apt_updated=1
  fi
  local rc=0
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null || rc=$?
  [ "$own_policy" = 1 ] && rm -f /usr/sbin/policy-rc.d
  return "$rc"
}

need_cargo_tool() {
  local bin=$1 crate=$2 version=$3
  if "$bin" --version 2>/dev/null | grep -qF "$version"; then
    return 0
  fi
  echo "installing (cargo): $crate $version"
  cargo install --quiet "$crate" --version "$version"
}

need_rustup_target() {
  local t
  for t in "$@"; do
    rustup target list --installed | grep -qx "$t" || rustup target add "$t"
  done
}

need_rustup_component() {
  local c
  for c in "$@"; do
    rustup component list --installed | grep -q "^$c" || rustup component add "$c"
  done
}

need_npm_ci() {
  local dir=$1 stamp
  stamp=$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)
  [ "$(cat "$dir/node_modules/.mxtrust-lock" 2>/dev/null)" = "$stamp" ] && return 0
  command -v npm >/dev/null || need_apt nodejs npm
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  echo "$stamp" >"$dir/node_modules/.mxtrust-lock"
}

need_pip_venv() {
  local dir=$1 requirements=$2
  [ -x "$dir/bin/python" ] && cmp -s "$requirements" "$dir/.requirements" && return 0
  python3 -m venv "$dir"
  "$dir/bin/python" -m pip install -q -r "$requirements"
  cp "$requirements" "$dir/.requirements"
}
