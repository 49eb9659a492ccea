#!/usr/bin/env bash
# Lays out the root filesystem of a FROM-scratch Aot image: the published native executable, the ONNX Runtime
# libraries it loads at run time (dlopen, so `ldd` on the executable does not list them), the shared-library closure
# of both (libc, libm, libstdc++, libgcc_s, the loader) at the paths the loader expects, a vocab.txt when the
# published folder has one, and a two-line /etc/passwd and /etc/group for the non-root user 65532.
# With `tls` as a fourth argument it adds OpenSSL 3 (libssl, libcrypto and their closure), which .NET loads at run time
# (dlopen) only to serve TLS itself (`--tls-cert`); without it the image is 5 MB smaller and TLS ends at the ingress.
# Used by deploy/build-image.sh on the host and by deploy/Containerfile.multistage inside the SDK stage.
#
#   bash deploy/stage-rootfs.sh PUBLISHED_DIR EXECUTABLE_NAME ROOTFS_DIR [tls]
set -euo pipefail

published=${1:?published folder (dotnet publish -o DIR)} executable=${2:?executable name (aot, minilm-server)} rootfs=${3:?rootfs folder to create}
tls=${4:-}
[[ -z "$tls" || "$tls" == tls ]] || { echo "stage-rootfs: the fourth argument is 'tls' or nothing, not '$tls'" >&2; exit 2; }
[[ -x "$published/$executable" ]] || { echo "stage-rootfs: $published/$executable is not an executable (publish it first)" >&2; exit 1; }
[[ -f "$published/libonnxruntime.so" ]] || { echo "stage-rootfs: $published/libonnxruntime.so is missing: it is published beside $executable" >&2; exit 1; }

rm -rf "$rootfs"
mkdir -p "$rootfs/app" "$rootfs/etc" "$rootfs/tmp" "$rootfs/models"
chmod 1777 "$rootfs/tmp"

cp "$published/$executable" "$rootfs/app/"
# Every ONNX Runtime library published beside the executable: the CPU flavour has libonnxruntime.so and
# libonnxruntime_providers_shared.so; the cuda flavour adds the CUDA provider (the CUDA and cuDNN libraries it
# needs come from the nvidia/cuda base image, not from here).
cp "$published"/libonnxruntime*.so "$rootfs/app/"
chmod 0755 "$rootfs"/app/*
[[ -f "$published/vocab.txt" ]] && cp "$published/vocab.txt" "$rootfs/app/"

# .NET's TLS opens libssl.so.3 and libcrypto.so.3 by those names; the loader finds them where ldconfig lists them.
openssl=()
if [[ -n "$tls" ]]; then
  for name in libssl.so.3 libcrypto.so.3; do
    path=$(ldconfig -p | awk -v n="$name" '$1 == n && /x86-64/ { print $NF; exit }')
    [[ -n "$path" ]] || { echo "stage-rootfs: tls needs $name (Debian: apt-get install libssl3)" >&2; exit 1; }
    openssl+=("$path")
  done
fi

# The closure of everything in /app (and OpenSSL), as ldd resolves it on the build machine (glibc must be the one they
# linked against).
for binary in "$rootfs/app/$executable" "$rootfs"/app/libonnxruntime.so "$rootfs"/app/libonnxruntime_providers_shared.so "${openssl[@]}"; do
  [[ -f "$binary" ]] || continue
  [[ "$binary" == "$rootfs"/* ]] || echo "$binary"
  ldd "$binary" | awk '/=> \// { print $3 } /^\t\/[^ ]+ \(/ { print $1 }'
done | sort -u | while read -r library; do
  case "$library" in */libonnxruntime*) continue ;; esac
  mkdir -p "$rootfs$(dirname "$library")"
  cp -L "$library" "$rootfs$library"
done

printf 'root:x:0:0:root:/:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/tmp:/sbin/nologin\n' > "$rootfs/etc/passwd"
printf 'root:x:0:\nnonroot:x:65532:\n' > "$rootfs/etc/group"
echo "stage-rootfs: $rootfs ($(du -sh --apparent-size "$rootfs" | cut -f1))"
