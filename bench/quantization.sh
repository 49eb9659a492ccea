#!/usr/bin/env bash
# fp32 vs int8 side by side (issue 13, docs/quantization.md). One command:
#   bash bench/quantization.sh [--out DIR] [--duration S] [--runs N]
# 1. quantizes all-MiniLM-L6-v2 (dynamic) and ResNet-50 (static QDQ, calibrated on generated images) with the
#    `aot` binary into ~/.cache/aot/bench/int8 (bench/int8-models.sh; re-done each run, ~40 s: the report in step 2 comes with it);
# 2. in process: `aot quantize --report` times fp32 and int8 interleaved in one process (p50 of N runs each;
#    MiniLM at sequence 128 batch 1, ResNet-50 one 224×224 image) and measures accuracy on inputs not used
#    for calibration;
# 3. via the server: `aot serve` with the fp32 then the int8 model, twice each alternating, under the load generator:
#    MiniLM POST /embed (1 short text per request, 16 clients) and ResNet-50 over the binary protocol (1 client).
# Writes DIR/{minilm,resnet50}-report.json, DIR/server.csv and DIR/results.md.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 MSBUILDTERMINALLOGGER=off

out="bench/results/$(date -u +%Y-%m-%d)-quantization" duration=15 runs=100
while (($#)); do
  case "$1" in
    --out) out="$2"; shift ;;
    --duration) duration="$2"; shift ;;
    --runs) runs="$2"; shift ;;
    *) echo "usage: bench/quantization.sh [--out DIR] [--duration S] [--runs N]" >&2; exit 2 ;;
  esac
  shift
done
mkdir -p "$out"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/aot/bench/int8"
mkdir -p "$cache"
source bench/common.sh

step "build (Release): aot, load generator"
dotnet build src/Aot.Server -c Release -v quiet -nologo
dotnet build bench/Aot.LoadGen -c Release -v quiet -nologo
aot="$PWD/src/Aot.Server/bin/Release/net10.0/aot"
loadgen="$PWD/bench/Aot.LoadGen/bin/Release/net10.0/aot-loadgen"
minilm=$(models minilm)
resnet=$(models resnet50)

step "quantize + in-process report (fp32 and int8 interleaved, $runs runs each)"
bash bench/int8-models.sh "$aot" "$cache" --report "$out" "$runs"

step "server: fp32 and int8 alternating, ${duration}s windows"
csv="$out/server.csv"
echo "variant,workload,protocol,clients,p50_ms,p99_ms,throughput_rps,errors" >"$csv"
serve_and_load() { # variant model-name model-path workload protocol clients
  local variant=$1 name=$2 path=$3 workload=$4 protocol=$5 clients=$6 tmp
  tmp=$(mktemp -u) # the load generator writes the CSV header only into a new file
  "$aot" serve --model "$name=$path" --http-port 18080 --port 18081 --grpc-port 0 >"$out/server-$variant-$workload.log" 2>&1 &
  local pid=$!
  for _ in $(seq 150); do curl -sf http://127.0.0.1:18080/v2/health/ready >/dev/null && break; sleep 0.2; done
  "$loadgen" run --workload "$workload" --protocol "$protocol" --http-port 18080 --port 18081 -c "$clients" \
    --warmup 3 --duration "$duration" --csv "$tmp" >/dev/null || true
  kill "$pid"; wait "$pid" || true
  # Pick the columns by header name from the load generator's CSV.
  awk -F, -v v="$variant" 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
    { printf "%s,%s,%s,%s,%s,%s,%s,%s\n", v, $c["workload"], $c["protocol"], $c["concurrency"], $c["p50_ms"], $c["p99_ms"], $c["throughput_rps"], $c["errors"] }' "$tmp" | tee -a "$csv"
  rm -f "$tmp"
}
for round in 1 2; do
  serve_and_load fp32 minilm-embed "$minilm" embed-short-b1 embed-http 16
  serve_and_load int8 minilm-embed "$cache/minilm-int8.onnx" embed-short-b1 embed-http 16
  serve_and_load fp32 resnet50 "$resnet" resnet50 binary 1
  serve_and_load int8 resnet50 "$cache/resnet50-int8.onnx" resnet50 binary 1
done

step "summary -> $out/results.md"
{
  echo "# fp32 vs int8 ($(date -u +%Y-%m-%d), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs))"
  echo
  echo "Produced by \`bash bench/quantization.sh\`; fp32 and int8 measured in the same run, interleaved."
  echo "Load average at the end (1, 5, 15 min): $(cut -d' ' -f1-3 /proc/loadavg)."
  echo
  echo "## In process (\`aot quantize --report\`, p50 of $runs runs each, interleaved)"
  echo
  echo "| model | fp32 p50 ms | int8 p50 ms | int8/fp32 | size fp32 MB | size int8 MB | size ratio | accuracy |"
  echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
  for m in minilm resnet50; do
    jq -r --arg m "$m" '"| \($m) | \(.originalP50Ms*1000|round/1000) | \(.quantizedP50Ms*1000|round/1000) | \(.p50Ratio*1000|round/1000) | \(.originalBytes/1e5|round/10) | \(.quantizedBytes/1e5|round/10) | \(.sizeRatio*1000|round/1000) | \([.outputs[] | "\(.name): cos mean \(.meanCosine*10000|round/10000) min \(.minCosine*10000|round/10000)" + (if .top1Agreement then ", top-1 \(.top1Agreement*100|round)%" else "" end)] | join("; ")) |"' "$out/$m-report.json"
  done
  echo
  echo "## Via \`aot serve\` (load generator, ${duration}s windows, two rounds alternating fp32/int8)"
  echo
  echo "| variant | workload | protocol | clients | p50 ms | p99 ms | req/s | errors |"
  echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
  tail -n +2 "$csv" | awk -F, '{ printf "| %s | %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6, $7, $8 }'
} >"$out/results.md"
cat "$out/results.md"
