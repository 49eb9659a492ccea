#!/usr/bin/env bash
# Coverage-guided fuzzing of the parsers (docs/fuzzing.md): builds tests/fuzz/Aot.Fuzz, instruments the product
# assemblies with sharpfuzz, then runs afl-fuzz on each target from its committed seed corpus (tests/fuzz/corpus/TARGET)
# for --seconds N (default 60). Findings go to artifacts/fuzz/findings/TARGET (ignored); each crash is replayed so its
# exception is printed. Exit 1 when any target crashed or hung.
#
#   bash tests/fuzz/run.sh [--seconds N] [--resume] [TARGET...]     (no TARGET: every target, one after another)
#
# --resume continues the previous session's queue in artifacts/fuzz/findings instead of starting from the seeds.
# Needs afl-fuzz (Debian: apt-get install afl++) and the .NET SDK; installs the sharpfuzz tool into artifacts/fuzz/tools.
set -euo pipefail
cd "$(dirname "$0")/../.."

seconds=60
resume=0
targets=()
while (($#)); do
  case "$1" in
    --seconds) seconds="$2"; shift 2 ;;
    --resume) resume=1; shift ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    -*) echo "unknown option $1" >&2; exit 2 ;;
    *) targets+=("$1"); shift ;;
  esac
done

command -v afl-fuzz >/dev/null || { echo "afl-fuzz is required (Debian: apt-get install -y afl++)" >&2; exit 2; }
# AOT_FUZZ_WORK: another folder for a second session at the same time (each builds its own instrumented copy).
work=${AOT_FUZZ_WORK:-artifacts/fuzz}
bin="$work/bin"
tools="$work/tools"
sharpfuzz_version=2.3.0

echo "==> build and instrument"
if [[ ! -x "$tools/sharpfuzz" ]]; then
  dotnet tool install SharpFuzz.CommandLine --version "$sharpfuzz_version" --tool-path "$tools" >/dev/null
fi
# A fresh copy each time: instrumenting twice would corrupt the assemblies, and publish skips files it thinks are current.
rm -rf "$bin"
dotnet publish tests/fuzz/Aot.Fuzz -c Release -o "$bin" -v quiet -nologo >/dev/null
# Crashes are replayed on the build output, which is not instrumented (instrumented code needs afl-fuzz's shared memory).
replay=tests/fuzz/Aot.Fuzz/bin/Release/net10.0/Aot.Fuzz.dll
# The parsers live in these; the harness, the runtime and ONNX Runtime's wrapper are left alone.
for assembly in Aot.Server.Hosting Aot.Embeddings Aot.Protocol Aot.Generators; do
  "$tools/sharpfuzz" "$bin/$assembly.dll" >/dev/null
done

all=$(dotnet "$replay" --list)
((${#targets[@]})) || mapfile -t targets <<<"$all"
for target in "${targets[@]}"; do
  grep -qx "$target" <<<"$all" || { echo "unknown target '$target'; targets: $(tr '\n' ' ' <<<"$all")" >&2; exit 2; }
done

# Not a terminal, no core_pattern or CPU governor changes on a shared machine, and dotnet is no AFL-compiled binary.
export AFL_NO_UI=1 AFL_SKIP_BIN_CHECK=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_SKIP_CPUFREQ=1 AFL_NO_AFFINITY=1
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

stat_of() { awk -F' *: *' -v k="$1" '$1 == k { print $2 }' "$2"; }

failed=0
summary=()
for target in "${targets[@]}"; do
  out="$work/findings/$target"
  input=(-i "tests/fuzz/corpus/$target")
  if ((resume)) && [[ -f "$out/default/fuzzer_stats" ]]; then
    input=(-i -)
  else
    rm -rf "$out"
  fi

  mkdir -p "$out"
  dictionary=()
  case "$target" in *-json|embedding-request|model-config) dictionary=(-x tests/fuzz/json.dict) ;; esac
  echo "==> $target: afl-fuzz for ${seconds}s"
  # -t: an input that runs longer than 5 s is a hang; -m none: the CLR reserves far more address space than it uses.
  afl-fuzz "${input[@]}" -o "$out" -V "$seconds" -t 5000 -m none "${dictionary[@]}" \
    -- dotnet "$bin/Aot.Fuzz.dll" "$target" >"$out/afl.log" 2>&1 || {
      echo "afl-fuzz failed on $target:"; tail -n 30 "$out/afl.log"; failed=1; continue; }

  stats="$out/default/fuzzer_stats"
  execs=$(stat_of execs_done "$stats")
  run_time=$(stat_of run_time "$stats")
  paths=$(stat_of corpus_count "$stats")
  edges=$(stat_of edges_found "$stats")
  crashes=$(stat_of saved_crashes "$stats")
  hangs=$(stat_of saved_hangs "$stats")
  summary+=("$(printf '%-18s %10s execs %6ss %6s paths %6s edges %4s crashes %4s hangs' "$target" "$execs" "$run_time" "$paths" "$edges" "$crashes" "$hangs")")
  if ((crashes > 0 || hangs > 0)); then
    failed=1
    echo "$target: $crashes crashes, $hangs hangs in $out/default/{crashes,hangs}; replaying the crashes:"
    dotnet "$replay" "$target" --replay "$out/default/crashes" | grep -v '^accepted\|^refused' | head -n 60 || true
  fi
done

echo
echo "==> summary"
printf '%s\n' "${summary[@]}"
exit "$failed"
