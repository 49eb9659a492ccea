#!/usr/bin/env bash
# Lays out the root filesystem of a FROM-scratch Aot image: the published native executable, the ONNX Runtime
# libraries it loads at run time (dlopen, so `ldd` on the executable does not list them), the shared-library closure
# of both (libc, libm, libstdc++, libgcc_s, the loader) at the paths the loader expects, a vocab.txt when the
# published folder has one, and a two-line /etc/passwd and /etc/group for the non-root user 65532.
# Used by deploy/build-image.sh on the host and by deploy/Containerfile.multistage inside the SDK stage.
#
#   bash deploy/stage-rootfs.sh PUBLISHED_DIR EXECUTABLE_NAME ROOTFS_DIR
set -euo pipefail

published=${1:?published folder (dotnet publish -o DIR)} executable=${2:?executable name (aot, minilm-server)} rootfs=${3:?rootfs folder to create}
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

# The closure of everything in /app, as ldd resolves it on the build machine (glibc must be the one they linked against).
for binary in "$rootfs/app/$executable" "$rootfs"/app/libonnxruntime.so "$rootfs"/app/libonnxruntime_providers_shared.so; do
  [[ -f "$binary" ]] || continue
  ldd "$binary" | awk '/=> \// { print $3 } /^\t\/[^ ]+ \(/ { print $1 }'
done | sort -u | while read -r library; do
  case "$library" in */libonnxruntime*) continue ;; esac
  mkdir -p "$rootfs$(dirname "$library")"
  cp -L "$library" "$rootfs$library"
done

printf 'root:x:0:0:root:/:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/tmp:/sbin/nologin\n' > "$rootfs/etc/passwd"
printf 'root:x:0:\nnonroot:x:65532:\n' > "$rootfs/etc/group"
echo "stage-rootfs: $rootfs ($(du -sh --apparent-size "$rootfs" | cut -f1))"
