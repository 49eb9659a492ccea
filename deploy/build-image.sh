#!/usr/bin/env bash
# Builds the Aot container image FROM scratch (deploy/Containerfile, deploy/Containerfile.minilm) with whichever
# engine is here: Buildah (daemonless: vfs storage, chroot isolation, so it works inside unprivileged containers),
# Podman, or Docker with a running daemon; with none, installs Buildah from Debian's packages (apt, as root).
# Saves the image as an OCI archive and prints its size and what takes the space.
#
#   bash deploy/build-image.sh [--flavour generic|minilm] [--tls] [--from PUBLISHED_DIR] [--tag NAME] [--output FILE.tar]
#
#   --flavour generic   `aot` (default); models from a mounted folder: CMD is `--repository /models`
#   --flavour minilm    the compiled-in MiniLM embedding server (deploy/minilm-server): no model volume
#   --tls               add OpenSSL 3 (+5 MB) so the server can terminate TLS itself (--tls-cert/--tls-key); tag aot:FLAVOUR-tls
#   --from DIR          a folder `dotnet publish` already wrote (skips publishing)
#   --tag NAME          image name (default aot:FLAVOUR)
#   --output FILE       OCI archive (default artifacts/deploy/aot-FLAVOUR.oci.tar)
#
# Prints `image: NAME`, `engine: ENGINE`, `archive: FILE` and `size: BYTES` lines for scripts (the image test reads them).
set -euo pipefail
cd "$(dirname "$0")/.."

flavour=generic from="" tag="" output="" tls=""
while (($#)); do
  case "$1" in
    --flavour) flavour=${2:?--flavour needs generic or minilm}; shift 2 ;;
    --tls) tls=tls; shift ;;
    --from) from=${2:?--from needs a folder}; shift 2 ;;
    --tag) tag=${2:?--tag needs a name}; shift 2 ;;
    --output) output=${2:?--output needs a file}; shift 2 ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "build-image: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done

case "$flavour" in
  generic) project=src/Aot.Server executable=aot containerfile=deploy/Containerfile ;;
  minilm) project=deploy/minilm-server executable=minilm-server containerfile=deploy/Containerfile.minilm ;;
  *) echo "build-image: --flavour must be generic or minilm, not '$flavour'" >&2; exit 2 ;;
esac
tag=${tag:-aot:$flavour${tls:+-tls}}
output=${output:-artifacts/deploy/aot-$flavour${tls:+-tls}.oci.tar}
mkdir -p "$(dirname "$output")"
output=$(cd "$(dirname "$output")" && pwd)/$(basename "$output")

engine=""
if command -v buildah >/dev/null; then engine=buildah
elif command -v podman >/dev/null; then engine=podman
elif command -v docker >/dev/null && docker info >/dev/null 2>&1; then engine=docker
elif command -v apt-get >/dev/null && [[ $(id -u) == 0 ]]; then
  echo "build-image: no container engine; installing buildah (apt)" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq buildah >&2
  engine=buildah
else
  echo "build-image: no container engine: install buildah, podman or docker" >&2; exit 1
fi

if [[ -z "$from" ]]; then
  from=artifacts/deploy/publish-$flavour
  echo "build-image: dotnet publish $project -> $from" >&2
  dotnet publish "$project" -c Release -r linux-x64 -o "$from" -nologo -v quiet -p:TreatWarningsAsErrors=true >&2
fi

context=$(mktemp -d "${TMPDIR:-/tmp}/aot-image-XXXXXX")
trap 'rm -rf "$context"' EXIT
bash deploy/stage-rootfs.sh "$from" "$executable" "$context/rootfs" $tls >&2

case "$engine" in
  buildah)
    # vfs and chroot: no overlay mounts, no user namespaces needed (works in CI containers).
    b=(buildah --storage-driver vfs)
    "${b[@]}" rmi -f "$tag" >/dev/null 2>&1 || true
    "${b[@]}" bud --quiet --isolation chroot --layers=false -t "$tag" -f "$containerfile" "$context" >&2
    rm -f "$output"
    "${b[@]}" push --quiet "$tag" "oci-archive:$output:$tag" >&2
    ;;
  podman)
    podman build -t "$tag" -f "$containerfile" "$context" >&2
    rm -f "$output"
    podman save --format oci-archive -o "$output" "$tag" >&2
    ;;
  docker)
    docker build -t "$tag" -f "$containerfile" "$context" >&2
    rm -f "$output"
    # docker save writes an OCI image layout inside its archive (Docker 25 and later).
    docker save -o "$output" "$tag" >&2
    ;;
esac

# The image is one layer holding the staged root filesystem: its uncompressed size is the staged bytes.
size=$(du -sb --apparent-size "$context/rootfs" | cut -f1)
printf '\n%s (%s): %s MB uncompressed, archive %s MB\n' "$tag" "$engine" "$(awk -v b="$size" 'BEGIN { printf "%.1f", b / 1e6 }')" \
  "$(awk -v b="$(stat -c %s "$output")" 'BEGIN { printf "%.1f", b / 1e6 }')" >&2
(cd "$context/rootfs" && find . -type f -printf '%s %p\n' | sort -rn | awk '{ printf "  %8.1f MB  %s\n", $1 / 1e6, substr($2, 2) }') >&2
echo "image: $tag"
echo "engine: $engine"
echo "archive: $output"
echo "size: $size"
