#!/usr/bin/env bash
# Installs what the tests and the QEMU boot need on a fresh Debian 12 machine
# (run as root). Each part of the tree lists its own needs in tests/deps/:
#   debian-*.txt  Debian packages, one per line
#   pip-*.txt     PyPI packages, one per line
#   cargo-*.txt   crates.io binaries, one per line ("crate" or "crate@version")
# Anything already installed is skipped, so running it twice costs little.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
deps="$here/deps"

want_debs=()
for f in "$deps"/debian-*.txt; do
  [ -e "$f" ] || continue
  while read -r pkg _; do
    [ -n "$pkg" ] && [ "${pkg#\#}" = "$pkg" ] || continue
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || want_debs+=("$pkg")
  done < "$f"
done
if [ ${#want_debs[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${want_debs[@]}"
fi

# Debian's own python3 refuses pip installs into the system (PEP 668);
# test tools are fine there, so fall back to --break-system-packages.
pip_install() {
  python3 -m pip install -q "$1" 2>/dev/null || python3 -m pip install -q --break-system-packages "$1"
}

for f in "$deps"/pip-*.txt; do
  [ -e "$f" ] || continue
  grep -vE '^\s*(#|$)' "$f" | while read -r pkg; do
    python3 -m pip show "${pkg%%[=<>]*}" >/dev/null 2>&1 || pip_install "$pkg"
  done
done

for f in "$deps"/cargo-*.txt; do
  [ -e "$f" ] || continue
  grep -vE '^\s*(#|$)' "$f" | while read -r spec; do
    bin=${spec%%@*}
    command -v "$bin" >/dev/null 2>&1 || cargo install -q --locked "$spec"
  done
done

# The Rust pieces rust-toolchain.toml names: the toolchain, its targets and
# components. rustup adds a toolchain file's targets only when it installs
# the toolchain itself, so each piece is asked for explicitly, and the one
# line per piece says whether it was found or installed.
toolchain_file="$here/../rust-toolchain.toml"
toml_list() { # the words of one `key = ["a", "b"]` line of the toolchain file
  sed -n "s/^$1[[:space:]]*=[[:space:]]*\[\(.*\)\]/\1/p" "$toolchain_file" | tr -d '" ' | tr , ' '
}
cd "$here/.."
rustup show active-toolchain >/dev/null  # installs the pinned toolchain if absent
toolchain=$(rustup show active-toolchain | cut -d' ' -f1)
for target in $(toml_list targets); do
  if rustup target list --installed --toolchain "$toolchain" | grep -qx "$target"; then
    echo "setup: rust target $target: found ($toolchain)"
  else
    rustup --quiet target add --toolchain "$toolchain" "$target" >/dev/null
    rustup target list --installed --toolchain "$toolchain" | grep -qx "$target" ||
      { echo "setup: rust target $target: rustup did not install it" >&2; exit 1; }
    echo "setup: rust target $target: installed ($toolchain)"
  fi
done
for component in $(toml_list components); do
  if rustup component list --installed --toolchain "$toolchain" | grep -q "^$component\(-\|$\)"; then
    echo "setup: rust component $component: found ($toolchain)"
  else
    rustup --quiet component add --toolchain "$toolchain" "$component" >/dev/null
    echo "setup: rust component $component: installed ($toolchain)"
  fi
done
