#!/usr/bin/env bash
# Builds the guest kernel: Debian's linux-source-6.1, `tinyconfig` + kernel/drydock.config.
# Usage: build-kernel.sh BUILD_DIR OUT_FILE   (called by build.sh; ~7 min on 2 cores)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$1; out=$2
src_tar=/usr/src/linux-source-6.1.tar.xz
[ -f "$src_tar" ] || { echo "missing $src_tar (apt-get install linux-source-6.1)" >&2; exit 1; }
ksrc="$build/linux-source-6.1"
if [ ! -f "$ksrc/Makefile" ]; then
  mkdir -p "$build"
  tar -xJf "$src_tar" -C "$build"
fi
cd "$ksrc"
make -s ARCH=i386 tinyconfig
# Apply the fragment: CONFIG_X=y|n|m|value, one per line.
args=()
while IFS= read -r line; do
  case "$line" in ''|'#'*) continue ;; esac
  key=${line%%=*}; val=${line#*=}; key=${key#CONFIG_}
  case "$val" in
    y) args+=(--enable "$key") ;;
    n) args+=(--disable "$key") ;;
    m) args+=(--module "$key") ;;
    *) args+=(--set-val "$key" "$val") ;;
  esac
done < "$here/kernel/drydock.config"
./scripts/config "${args[@]}"
make -s ARCH=i386 olddefconfig
# Fail loudly when an option we asked for did not survive olddefconfig (a missing dependency).
missing=0
while IFS= read -r line; do
  case "$line" in ''|'#'*) continue ;; esac
  key=${line%%=*}; val=${line#*=}
  if [ "$val" = n ]; then
    grep -q "^$key=" .config && { echo "kernel config: $key should be off" >&2; missing=1; }
  else
    grep -qx "$key=$val" .config || grep -qx "$key=\"$val\"" .config || { echo "kernel config: $key=$val did not take" >&2; missing=1; }
  fi
done < "$here/kernel/drydock.config"
[ "$missing" = 0 ] || exit 1
# KBUILD_BUILD_VERSION: else the "#N" in the version string counts the builds in this tree.
make -s ARCH=i386 KBUILD_BUILD_VERSION=1 KBUILD_BUILD_TIMESTAMP="2026-01-01" KBUILD_BUILD_USER=drydock KBUILD_BUILD_HOST=drydock -j"$(nproc)" bzImage
cp arch/x86/boot/bzImage "$out"
