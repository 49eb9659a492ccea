#!/usr/bin/env bash
# The side-by-side benchmarks (issue 6, docs/benchmarks.md). One command:
#   bash bench/run.sh            full run: every workload, Aot (batching off/on) and every peer; ~20-25 min
#   bash bench/run.sh --quick    seconds-long CI subset: tiny model, Aot + the ASP.NET peer, no installs
# Options: --out DIR (default bench/results/<UTC date>[-quick]), --threads N (default 2), --no-wait (full run:
# do not wait for a quiet machine), --skip-node, --skip-torch.
# Writes results.json, results.csv, results.md, SVG charts and server logs; exits non-zero when any system failed
# to start or served an error.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1 MSBUILDTERMINALLOGGER=off

quick=0 wait_quiet=1 threads=2 out="" skip_node=0 skip_torch=0
while (($#)); do
  case "$1" in
    --quick) quick=1 ;;
    --no-wait) wait_quiet=0 ;;
    --threads) threads="$2"; shift ;;
    --out) out="$2"; shift ;;
    --skip-node) skip_node=1 ;;
    --skip-torch) skip_torch=1 ;;
    *) echo "usage: bench/run.sh [--quick] [--out DIR] [--threads N] [--no-wait] [--skip-node] [--skip-torch]" >&2; exit 2 ;;
  esac
  shift
done
suffix=""
if ((quick)); then suffix="-quick"; fi
[[ -n "$out" ]] || out="bench/results/$(date -u +%Y-%m-%d)$suffix"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/aot/bench"
mkdir -p "$out" "$cache"
step() { printf '\n==> %s\n' "$*" >&2; }
skipped=()

step "build (Release): load generator, ASP.NET peer, aot server"
dotnet build bench/Aot.LoadGen -c Release -v quiet -nologo
dotnet build bench/peers/aspnet -c Release -v quiet -nologo
if ((quick)); then
  # CI already built the solution; the JIT build of the server keeps --quick within seconds.
  dotnet build src/Aot.Server -c Release -v quiet -nologo
  aot="$PWD/src/Aot.Server/bin/Release/net10.0/aot"
else
  # What users deploy: the native-AOT binary.
  dotnet publish src/Aot.Server -c Release -o artifacts/bench/aot-native -v quiet -nologo
  aot="$PWD/artifacts/bench/aot-native/aot"
fi

peer_args=()
if ((!quick)); then
  step "models"
  bash models/fetch.sh >&2

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
suite=(bench/Aot.LoadGen/bin/Release/net10.0/aot-loadgen suite --out "$out" --threads "$threads"
  --aot "$aot" --aspnet-peer "$PWD/bench/peers/aspnet/bin/Release/net10.0/aspnet-peer" --peers-dir "$PWD/bench/peers")
if ((quick)); then suite+=(--quick); fi
"${suite[@]}" "${peer_args[@]}"
