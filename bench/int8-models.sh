#!/usr/bin/env bash
# The int8 models of the benchmarks (issue 13, docs/quantization.md), made with `aot quantize` into one folder; used by
# bench/run.sh (the suite's aot-int8 / node-int8 / in-process-int8 rows) and bench/quantization.sh (the fp32 vs int8 report).
#   bash bench/int8-models.sh AOT DIR                  quantize unless DIR already holds both files (the suite reuses the cache)
#   bash bench/int8-models.sh AOT DIR --report OUT N   always quantize, and have `aot quantize` time fp32 and int8 interleaved
#                                                      (N runs each) and measure accuracy into OUT/{minilm,resnet50}-report.{json,txt}
# MiniLM: dynamic, layer 0 and 1 FFN output projections (MatMul_122, MatMul_224) kept in fp32, the configuration
# docs/quantization.md recommends; its vocab.txt is copied beside it so `aot serve` answers /embed from it.
# ResNet-50: static QDQ, calibrated on generated images.
set -euo pipefail
cd "$(dirname "$0")/.."
(($# == 2 || $# == 5)) || { echo "usage: bench/int8-models.sh AOT DIR [--report OUT RUNS]" >&2; exit 2; }
aot=$1 dir=$2 report="" runs=""
if (($# == 5)); then report=$4 runs=$5; fi
mkdir -p "$dir"
if [[ -z "$report" && -s "$dir/minilm-int8.onnx" && -s "$dir/resnet50-int8.onnx" && -s "$dir/vocab.txt" ]]; then
  echo "int8 models: reusing $dir" >&2
  exit 0
fi
source bench/common.sh
quantize() { # name fp32-path extra-args...
  local name=$1 model=$2
  shift 2
  if [[ -n "$report" ]]; then
    "$aot" quantize "$model" -o "$dir/$name-int8.onnx" "$@" --runs "$runs" --report "$report/$name-report.json" | tee "$report/$name-report.txt"
  else
    "$aot" quantize "$model" -o "$dir/$name-int8.onnx" "$@" >&2
  fi
}
cp "$(models minilm --file vocab.txt)" "$dir/vocab.txt"
quantize minilm "$(models minilm)" --mode dynamic --exclude MatMul_122,MatMul_224
quantize resnet50 "$(models resnet50)" --mode static
