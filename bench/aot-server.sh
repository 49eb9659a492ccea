#!/usr/bin/env bash
# Builds the aot server for the bench scripts (run.sh, soak.sh, lifecycle.sh, tune-check.sh) and prints its path on stdout:
#   bash bench/aot-server.sh          the native-AOT publish, what users deploy (artifacts/bench/aot-native/aot)
#   bash bench/aot-server.sh --jit    the JIT build (seconds when CI already built the solution; src/Aot.Server/bin)
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ "${1:-}" == "--jit" ]]; then
  dotnet build src/Aot.Server -c Release -v quiet -nologo >&2
  echo "$PWD/src/Aot.Server/bin/Release/net10.0/aot"
else
  dotnet publish src/Aot.Server -c Release -o artifacts/bench/aot-native -v quiet -nologo >&2
  echo "$PWD/artifacts/bench/aot-native/aot"
fi
