#!/usr/bin/env bash
# The side-by-side benchmarks (issues 6 and 7, docs/benchmarks.md). One command:
#   bash bench/run.sh            full run: every workload (tensors and /embed: short, long, mixed lengths, short texts under the
#                                mixed load), Aot (batching off/on; batching off over the binary protocol, KServe V2 HTTP
#                                JSON and KServe V2 gRPC side by side) and every peer,
#                                plus int8 rows (aot-int8, node-int8, in-process-int8) on ResNet-50, MiniLM seq 128 and /embed; ~30 min
#   bash bench/run.sh --quick    CI subset (~1.5 min): tiny model, Aot + the ASP.NET peer, Aot's /embed on short texts; no installs
# Options: --out DIR (default bench/results/<UTC date>[-quick]), --threads N (intra-op threads of every system;
# default: the cores the servers may use), --no-wait (full run: do not wait for a quiet machine), --skip-node,
# --skip-torch, --pin / --no-pin (load generator on CPU 0, every server on the other CPUs, with taskset; default
# --no-pin, see docs/benchmarks.md), --workloads "A B" / --systems "X Y" (only these cases: single-case runs),
# --min-requests N / --max-stretch X (the window rule), --skip-int8 (no int8 rows), --int8 (also, afterwards, the
# accuracy and interleaved-timing report of bench/quantization.sh into DIR/int8). The int8 models come from
# bench/int8-models.sh (`aot quantize`, cached in ~/.cache/aot/bench/int8).
# Writes results.json, results.csv, results.md, SVG charts and server logs; exits non-zero when any system failed
# to start, served an error, measured nothing in a window, or embedded differently from the others.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1 MSBUILDTERMINALLOGGER=off

quick=0 wait_quiet=1 threads="" out="" skip_node=0 skip_torch=0 pin=0 only_workloads="" only_systems="" window=() int8=0 skip_int8=0
while (($#)); do
  case "$1" in
    --quick) quick=1 ;;
    --no-wait) wait_quiet=0 ;;
    --threads) threads="$2"; shift ;;
    --out) out="$2"; shift ;;
    --skip-node) skip_node=1 ;;
    --skip-torch) skip_torch=1 ;;
    --pin) pin=1 ;;
    --no-pin) pin=0 ;;
    --workloads) only_workloads="$2"; shift ;;
    --systems) only_systems="$2"; shift ;;
    --min-requests | --max-stretch) window+=("$1" "$2"); shift ;;
    --int8) int8=1 ;;
    --skip-int8) skip_int8=1 ;;
    *) echo "usage: bench/run.sh [--quick] [--out DIR] [--threads N] [--no-wait] [--skip-node] [--skip-torch] [--pin|--no-pin] [--workloads \"A B\"] [--systems \"X Y\"] [--min-requests N] [--max-stretch X] [--skip-int8] [--int8]" >&2; exit 2 ;;
  esac
  shift
done

# CPU placement: pinned, the load generator runs on CPU 0 and every server (Aot, each peer, the echo floor) on the
# others, the same for all; the intra-op threads of every system then default to the servers' core count.
cpus=$(nproc)
client_pin=()
server_cpus=()
if ((pin)); then
  command -v taskset >/dev/null || { echo "--pin needs taskset (util-linux)" >&2; exit 2; }
  ((cpus >= 2)) || { echo "--pin needs at least 2 CPUs; this machine has $cpus" >&2; exit 2; }
  client_pin=(taskset -c 0)
  server_cpus=(--server-cpus "1-$((cpus - 1))")
  [[ -n "$threads" ]] || threads=$((cpus - 1))
fi
[[ -n "$threads" ]] || threads=$cpus
suffix=""
if ((quick)); then suffix="-quick"; fi
[[ -n "$out" ]] || out="bench/results/$(date -u +%Y-%m-%d)$suffix"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/aot/bench"
mkdir -p "$out" "$cache"
source bench/common.sh
skipped=()

step "build (Release): load generator, ASP.NET peer, aot server"
dotnet build bench/Aot.LoadGen -c Release -v quiet -nologo
dotnet build bench/peers/aspnet -c Release -v quiet -nologo
if ((quick)); then
  # CI already built the solution; the JIT build of the server keeps --quick within seconds.
  aot=$(bash bench/aot-server.sh --jit)
else
  # What users deploy: the native-AOT binary.
  aot=$(bash bench/aot-server.sh)
fi

peer_args=()
if ((!quick)); then
  step "models"
  bash models/fetch.sh >&2

  if ((!skip_int8)); then
    step "int8 models -> $cache/int8"
    bash bench/int8-models.sh "$aot" "$cache/int8" >&2
    peer_args+=(--int8-dir "$cache/int8")
  fi

  if ((skip_node)); then
    skipped+=("node-ort: --skip-node")
  elif ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    skipped+=("node-ort: node/npm not installed")
  else
    step "Node peer: npm ci into $cache/node-peer"
    node_dir="$cache/node-peer"
    mkdir -p "$node_dir"
    if ! cmp -s bench/peers/node/package-lock.json "$node_dir/package-lock.json" || [[ ! -d "$node_dir/node_modules/onnxruntime-node" ]]; then
      cp bench/peers/node/package.json bench/peers/node/package-lock.json "$node_dir/"
      # --ignore-scripts: the CPU binaries are in the package; its install script only fetches optional GPU builds.
      if ! (cd "$node_dir" && npm ci --ignore-scripts --no-audit --no-fund >&2); then
        rm -f "$node_dir/package-lock.json"
        skipped+=("node-ort: npm ci failed")
      fi
    fi
    if [[ -d "$node_dir/node_modules/onnxruntime-node" ]]; then peer_args+=(--node-modules "$node_dir/node_modules"); fi
  fi

  if ((skip_torch)); then
    skipped+=("torch-fastapi: --skip-torch")
  else
    step "PyTorch peer: Debian packages"
    python=/usr/bin/python3
    debs=(python3-torch python3-fastapi python3-uvicorn python3-onnx python3-numpy)
    if ! "$python" -c 'import torch, fastapi, uvicorn, onnx' 2>/dev/null; then
      missing=()
      apt-get update -qq || true
      for deb in "${debs[@]}"; do
        candidate=$(apt-cache policy "$deb" 2>/dev/null | awk '/Candidate:/ {print $2}')
        if [[ -z "$candidate" || "$candidate" == "(none)" ]]; then missing+=("$deb"); fi
      done
      if ((${#missing[@]})); then
        skipped+=("torch-fastapi: Debian package(s) not available: ${missing[*]}")
      else
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${debs[@]}" >&2 \
          || skipped+=("torch-fastapi: apt-get install failed")
      fi
    fi
    if "$python" -c 'import torch, fastapi, uvicorn, onnx' 2>/dev/null; then peer_args+=(--python "$python"); fi
  fi

  if ((wait_quiet)); then
    step "waiting for a quiet machine (1-min load < 0.8, at most 25 min)"
    for ((i = 0; i < 50; i++)); do
      load=$(cut -d' ' -f1 /proc/loadavg)
      if awk -v l="$load" 'BEGIN { exit !(l < 0.8) }'; then break; fi
      echo "load average $(cut -d' ' -f1-3 /proc/loadavg); waiting" >&2
      sleep 30
    done
  fi
fi

for s in "${skipped[@]}"; do peer_args+=(--skipped "$s"); done
step "suite -> $out"
suite=("${client_pin[@]}" bench/Aot.LoadGen/bin/Release/net10.0/aot-loadgen suite --out "$out" --threads "$threads"
  --aot "$aot" --aspnet-peer "$PWD/bench/peers/aspnet/bin/Release/net10.0/aspnet-peer" --peers-dir "$PWD/bench/peers"
  "${server_cpus[@]}" "${window[@]}")
if ((quick)); then suite+=(--quick); fi
# shellcheck disable=SC2206 # the lists are space-separated names
if [[ -n "$only_workloads" ]]; then suite+=(--workloads $only_workloads); fi
# shellcheck disable=SC2206
if [[ -n "$only_systems" ]]; then suite+=(--systems $only_systems); fi
"${suite[@]}" "${peer_args[@]}"

if ((int8)); then
  step "fp32 vs int8 report (accuracy, interleaved timing) -> $out/int8"
  bash bench/quantization.sh --out "$out/int8"
fi
