#!/usr/bin/env bash
# Builds the Drydock guest from Debian packages into public/guest/ and writes its manifest.
#   npm run images            everything (the kernel compile takes ~7 min on 2 cores)
#   npm run images -- --reuse-kernel   keep public/guest/bzImage when its recipe is unchanged
#   npm run images -- --guest-only     the machine only (kernel, initramfs, BIOS), not the
#                                      container images under public/registry/
# Outputs are committed, so a fresh clone runs without any of these tools.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
out="$repo/public/guest"
build="${DRYDOCK_BUILD_DIR:-$repo/.build/guest}"
reuse_kernel=0
guest_only=0
for arg in "$@"; do
  case "$arg" in
    --reuse-kernel) reuse_kernel=1 ;;
    --guest-only) guest_only=1 ;;
    *) echo "usage: build.sh [--reuse-kernel] [--guest-only]" >&2; exit 2 ;;
  esac
done

# --- Debian packages (root on the project's machines; see README).
packages=(linux-source-6.1 seabios flex bison cpio bc libelf-dev libssl-dev
          gcc-i686-linux-gnu musl-dev:i386 lz4 xz-utils zstd python3.11
          qemu-user-static erofs-utils dpkg-dev)
missing=()
for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if ! dpkg --print-foreign-architectures | grep -qx i386; then dpkg --add-architecture i386; missing+=(apt-update); fi
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${packages[@]}" >/dev/null
fi
mkdir -p "$build" "$out"
stage="$build/stage"; rm -rf "$stage"; mkdir -p "$stage"

# --- busybox: Debian's static i386 build, unpacked (not installed over the host's).
( cd "$build" && rm -f busybox-static_*.deb && apt-get download -q busybox-static:i386 >/dev/null )
dpkg-deb -x "$build"/busybox-static_*_i386.deb "$stage/bb"
cp "$stage/bb/bin/busybox" "$stage/busybox"

# --- kernel
kernel_hash=$(cd "$here" && cat build-kernel.sh kernel/drydock.config | sha256sum | cut -c1-64)
if [ "$reuse_kernel" = 1 ] && [ -f "$out/bzImage" ] && [ -f "$build/kernel.hash" ] \
   && [ "$(cat "$build/kernel.hash")" = "$kernel_hash" ]; then
  echo "kernel: recipe unchanged, keeping public/guest/bzImage"
else
  echo "kernel: building (about 7 minutes on 2 cores)"
  "$here/build-kernel.sh" "$build" "$out/bzImage"
  echo "$kernel_hash" > "$build/kernel.hash"
fi

# --- agent, runtime and docker client: static i686 against musl (the agent was 690 KB with
# glibc, 58 KB with musl; all of it is unpacked at every boot).
for prog in drydock-agent drydock-run docker-client; do
  REALGCC=i686-linux-gnu-gcc i386-linux-musl-gcc -static -Os -s -Wall -Wextra -Werror \
    -o "$stage/$prog" "$here/agent/$prog.c"
done

# --- curl (Debian's source, static, HTTP only): the Engine API from the lab's shell.
curl_version=$("$here/build-curl.sh" "$build" "$stage/curl")

# --- initramfs, reproducibly (fixed timestamps). LZ4 (legacy format, as the kernel reads it):
# the emulated CPU unpacks it several times faster than gzip.
# gen_init_cpio takes a file's own mtime (-t dates only what it makes itself): the staged
# binaries and a copy of rootfs/ get the same fixed date, so that a rebuild is byte-identical.
rm -rf "$stage/rootfs" && cp -r "$here/rootfs" "$stage/rootfs"
find "$stage/busybox" "$stage/drydock-agent" "$stage/drydock-run" "$stage/docker-client" "$stage/curl" "$stage/rootfs" -exec touch -h -d @1767225600 {} +
sed -e "s#@STAGE@#$stage#g" -e "s#@ROOTFS@#$stage/rootfs#g" "$here/initramfs.list" > "$stage/initramfs.list"
"$build/linux-source-6.1/usr/gen_init_cpio" -t 1767225600 "$stage/initramfs.list" > "$stage/initramfs.cpio"
lz4 -l -9 -f -q "$stage/initramfs.cpio" "$out/initrd.img"

# --- BIOS: v86 needs one even for a direct kernel boot; SeaBIOS is LGPL (see NOTICE).
cp /usr/share/seabios/bios.bin "$out/seabios.bin"

# --- built-in container images (public/registry/): busybox and hello-world.
if [ "$guest_only" = 0 ]; then
  REALGCC=i686-linux-gnu-gcc i386-linux-musl-gcc -static -Os -s -Wall -Wextra -Werror \
    -o "$stage/hello" "$here/../containers/hello.c"
  ( cd "$repo" && npx --no-install tsx images/containers/build-images.ts "$stage" )
fi

# --- manifest: sizes, sha256s, recipe hash and the Debian versions used.
versions=$(dpkg-query -W -f '${Package}:${Architecture}=${Version}\n' linux-source-6.1 seabios gcc-i686-linux-gnu musl-dev:i386 lz4 python3.11 erofs-utils)
bbver=$(dpkg-deb -f "$build"/busybox-static_*_i386.deb Version)
cd "$repo"
DRYDOCK_DEBIAN_VERSIONS="$versions
busybox-static:i386=$bbver
curl:source=$curl_version" npx --no-install tsx tools/guest-manifest.ts write
echo "guest image written to public/guest/"
