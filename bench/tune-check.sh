#!/usr/bin/env bash
# The tuning check (issue 15, docs/tuning.md). One command, one run:
#   bash bench/tune-check.sh [--out DIR] [--aot PATH] [--budget 3m] [--cases "minilm-s16 resnet50"]
# For MiniLM (sequence 16, 16 clients, binary protocol) and ResNet-50 (one 224×224 image, 4 clients):
#   1. `aot tune` (coarse-to-fine) with the budget (3 minutes)           -> DIR/<case>/tuned.json, tune.csv, tune.log
#   2. `aot tune --strategy grid`: every point of the same space          -> DIR/<case>/grid-best.json, grid.csv, grid.log
#   3. the default settings (an empty config.json: every default of `aot serve`)
#   4. `aot tune --evaluate` default, tuned and grid-best, interleaved over 3 rounds in one process each -> evaluate.csv
# and writes DIR/results.md with the acceptance ratios from step 4 (tuned vs grid best, tuned vs default). Runs on the
# native-AOT binary (`dotnet publish src/Aot.Server -c Release`, or --aot PATH).
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 MSBUILDTERMINALLOGGER=off

out="bench/results/$(date -u +%Y-%m-%d)-tuning" aot="" budget="3m" cases="minilm-s16 resnet50" grid_window="2s" eval_window="3s"
while (($#)); do
  case "$1" in
    --out) out="$2"; shift ;;
    --aot) aot="$2"; shift ;;
    --budget) budget="$2"; shift ;;
    --cases) cases="$2"; shift ;;
    --grid-window) grid_window="$2"; shift ;;
    *) echo "usage: bench/tune-check.sh [--out DIR] [--aot PATH] [--budget 3m] [--cases \"minilm-s16 resnet50\"] [--grid-window 2s]" >&2; exit 2 ;;
  esac
  shift
done
mkdir -p "$out"
source bench/common.sh

if [[ -z "$aot" ]]; then
  step "publish (native AOT): aot -> artifacts/bench/aot-native"
  aot=$(bash bench/aot-server.sh)
fi

case_args() {
  case "$1" in
    minilm-s16) echo "--model minilm=$(models minilm) --shape input_ids=1,16 --concurrency 16" ;;
    resnet50) echo "--model resnet50=$(models resnet50) --concurrency 4" ;;
    *) echo "unknown case $1" >&2; exit 2 ;;
  esac
}

# mean throughput of one config file's rows in an --evaluate CSV (label = file name)
mean_of() { awk -F, -v f="$2" 'NR > 1 && $3 == "\"" f "\"" { s += $10; n++ } END { if (n) printf "%.1f", s / n; else print "nan" }' "$1"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.3f", a / b; else print "nan" }'; }

{
  echo "# Tuning check: default vs \`aot tune\` vs exhaustive grid"
  echo
  echo "Run: $(date -u '+%Y-%m-%d %H:%M UTC') on $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), binary: native AOT \`aot\`."
  echo "Load average at start: $(cut -d' ' -f1-3 /proc/loadavg). The machine is shared with other work: see the note at the end."
  echo
  echo "Command: \`bash bench/tune-check.sh\` (tune budget $budget; grid window $grid_window per point; evaluation: 3 interleaved rounds of 2 × $eval_window per config)."
  echo
  echo "| case | default req/s | tuned req/s | grid-best req/s | tuned / grid best | tuned / default | grid best / default | tune wall time | tuned point | grid-best point |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---|---|"
} > "$out/results.md.head"
rows=()
for c in $cases; do
  dir="$out/$c"
  mkdir -p "$dir"
  # shellcheck disable=SC2207 # word-split on purpose: the arguments of one case
  args=($(case_args "$c"))
  echo '{}' > "$dir/default.json"

  step "$c: aot tune (coarse-to-fine, budget $budget)"
  start=$(date +%s)
  "$aot" tune "${args[@]}" --budget "$budget" -o "$dir/tuned.json" --csv "$dir/tune.csv" | tee "$dir/tune.log"
  tune_seconds=$(($(date +%s) - start))

  step "$c: aot tune --strategy grid (every point)"
  "$aot" tune "${args[@]}" --strategy grid --budget 60m --window "$grid_window" -o "$dir/grid-best.json" --csv "$dir/grid.csv" | tee "$dir/grid.log"

  step "$c: evaluate default, tuned, grid-best (interleaved)"
  "$aot" tune "${args[@]}" --evaluate "$dir/default.json" --evaluate "$dir/tuned.json" --evaluate "$dir/grid-best.json" --rounds 3 --window "$eval_window" --csv "$dir/evaluate.csv" | tee "$dir/evaluate.log"

  d=$(mean_of "$dir/evaluate.csv" default.json) t=$(mean_of "$dir/evaluate.csv" tuned.json) g=$(mean_of "$dir/evaluate.csv" grid-best.json)
  tp=$(grep -m1 '^chosen:' "$dir/tune.log" | sed 's/^chosen: //; s/:.*//') gp=$(grep -m1 '^chosen:' "$dir/grid.log" | sed 's/^chosen: //; s/:.*//')
  rows+=("| $c | $d | $t | $g | $(ratio "$t" "$g") | $(ratio "$t" "$d") | $(ratio "$g" "$d") | ${tune_seconds} s | $tp | $gp |")
done
{
  cat "$out/results.md.head"
  printf '%s\n' "${rows[@]}"
  echo
  echo "Load average at end: $(cut -d' ' -f1-3 /proc/loadavg)."
} > "$out/results.md"
rm -f "$out/results.md.head"
cat "$out/results.md"
