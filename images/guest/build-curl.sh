#!/usr/bin/env bash
# curl for the lab machine, so that a learner can call the Engine API on /var/run/docker.sock
# (`curl --unix-socket /var/run/docker.sock http://localhost/v1.43/containers/json`) and fetch
# from published ports. Debian's source package (its patches applied), built static against
# musl with HTTP only: the lab machine has no libc to load Debian's binary, and no TLS is
# reachable offline. ~400 KB; ~250 KB of the initramfs.
#   build-curl.sh BUILD_DIR OUT_FILE     (prints the source version it built)
set -euo pipefail
build=$1; out=$2
src="$build/curl-src"
mkdir -p "$src/lists/partial"
# deb-src from the same mirror the binary packages come from, in a list of our own (the host's
# apt configuration is left as it is).
cat > "$src/sources.list" <<'LIST'
deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm main
deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian-security bookworm-security main
LIST
apt_src=(-o Dir::Etc::SourceList="$src/sources.list" -o Dir::Etc::SourceParts=/dev/null -o Dir::State::Lists="$src/lists")
apt-get -qq "${apt_src[@]}" update
( cd "$src" && rm -rf curl-*/ curl_* tree && apt-get -qq "${apt_src[@]}" source --download-only curl >/dev/null 2>&1 )
dsc=$(ls "$src"/curl_*.dsc)
version=$(sed -n 's/^Version: //p' "$dsc")
( cd "$src" && dpkg-source -q -x --no-check "$dsc" tree >/dev/null )
cd "$src/tree"
# Fixed dates and paths in what is compiled, so that a rebuild is byte-identical.
export SOURCE_DATE_EPOCH=1767225600
CC=i386-linux-musl-gcc REALGCC=i686-linux-gnu-gcc ./configure -q --host=i686-linux-musl \
  --disable-shared --enable-static --enable-ipv6 --disable-threaded-resolver \
  --without-ssl --without-zlib --without-brotli --without-zstd --without-libpsl --without-libidn2 \
  --without-nghttp2 --without-librtmp --without-libssh2 --without-ca-bundle --without-ca-path \
  --disable-ftp --disable-file --disable-ldap --disable-ldaps --disable-rtsp --disable-dict \
  --disable-telnet --disable-tftp --disable-pop3 --disable-imap --disable-smb --disable-smtp \
  --disable-gopher --disable-mqtt --disable-manual --disable-ntlm --disable-alt-svc \
  --disable-hsts --disable-cookies --disable-proxy --disable-netrc --disable-headers-api \
  --disable-doh --disable-get-easy-options --disable-libcurl-option \
  CFLAGS="-Os -ffunction-sections -fdata-sections -ffile-prefix-map=$src/tree=." >/dev/null
make -s -j"$(nproc)" LDFLAGS="-all-static -s -Wl,--gc-sections" >/dev/null
cp src/curl "$out"
echo "$version"
