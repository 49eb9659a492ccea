#!/usr/bin/env bash
# Makes the folder tests/gpu/check-cuda.sh runs from on a GPU machine: the cuda flavour of `aot` with its libraries,
# the models tiny.onnx and minilm.onnx, and the script itself.
#
#   bash tests/gpu/bundle.sh [DIR] [--parts MIB]
#
# DIR defaults to gpu-check/ (git-ignored). --parts MIB xz-compresses every file over MIB MiB and splits it into
# pieces of at most MIB MiB (FILE.xz.part-aa, -ab, ...), for transports that limit the size of one transfer (the CUDA
# provider alone is 284 MB); check-cuda.sh joins and decompresses them with python3's lzma before it starts.
set -euo pipefail
cd "$(dirname "$0")/../.."

dir=gpu-check
parts=""
while (($#)); do
  case "$1" in
    --parts) parts="$2"; shift 2 ;;
    *) dir="$1"; shift ;;
  esac
done

step() { printf '==> %s\n' "$*" >&2; }

step "publish: the cuda flavour of aot into $dir/"
dotnet publish src/Aot.Server -c Release -p:AotFlavour=cuda -o "$dir" -v minimal -clp:NoSummary
rm -f "$dir"/*.pdb "$dir"/*.xml "$dir"/*.dbg "$dir"/libonnxruntime_providers_tensorrt.so

step "models: tiny and minilm"
cp "$(dotnet run --project models/Aot.Models.Cli -c Release -- path tiny)" "$dir/tiny.onnx"
cp "$(dotnet run --project models/Aot.Models.Cli -c Release -- path minilm)" "$dir/minilm.onnx"
cp tests/gpu/check-cuda.sh "$dir/"

if [[ -n "$parts" ]]; then
  for file in "$dir"/*; do
    [[ -f "$file" && "$(stat -c %s "$file")" -gt $((parts << 20)) ]] || continue
    step "parts: $file → ${file##*/}.xz.part-* (at most $parts MiB each)"
    rm -f "$file".xz.part-*
    xz -T0 -6 -c "$file" | split -b "${parts}M" - "$file.xz.part-"
    rm "$file"
  done
fi

ls -la "$dir" >&2
step "done: copy $dir/ to the GPU machine and run: bash $dir/check-cuda.sh $dir"
