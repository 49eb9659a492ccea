#!/usr/bin/env bash
# The main job on the default model: fetch all-MiniLM-L6-v2 (cached), then load it with Aot.Runtime, print its
# signature and time the zero-allocation run path at sequence length 128.
set -euo pipefail
cd "$(dirname "$0")"
model="$(dotnet run --project models/Aot.Models.Cli -c Release -- path minilm)"
exec dotnet run --project tests/Aot.Runtime.AotSmoke -c Release -- "$model" sequence=128 --runs 50 "$@"
