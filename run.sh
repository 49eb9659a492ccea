#!/usr/bin/env bash
# The main job on the default model: fetch all-MiniLM-L6-v2 (cached) and serve it with the aot server
# (KServe V2 / TF Serving and TEI /embed on http://localhost:8000, binary protocol on :8001). Extra arguments go to `aot serve`.
# `bash run.sh --smoke` instead loads the model in process, prints its signature and times the 0-byte run path.
set -euo pipefail
cd "$(dirname "$0")"
model="$(dotnet run --project models/Aot.Models.Cli -c Release -- path minilm)"
if [[ "${1:-}" == "--smoke" ]]; then
  exec dotnet run --project tests/Aot.Runtime.AotSmoke -c Release -- "$model" sequence=128 --runs 50
fi
exec dotnet run --project src/Aot.Server -c Release -- serve --model "minilm=$model" --max-batch 32 "$@"
