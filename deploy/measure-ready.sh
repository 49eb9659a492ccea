#!/usr/bin/env bash
# Measures how long a container of the image takes from start to /v2/health/ready answering 200, with MiniLM
# (generic: the cached all-MiniLM-L6-v2 mounted read-only; minilm: compiled in). Runs it N times under
# `buildah run --isolation chroot` (host network), stops each with SIGTERM to the server, prints every time and the
# median, and the load average (a shared machine's load moves the figure). It also prints the CPU time the server
# process had used when it became ready (user + system, from /proc): on a loaded machine the wall time stretches
# with the wait for a core, the CPU time much less. And it splits the wall time in two: the engine's own set-up (Buildah
# creating the container before it execs the entrypoint) and the server's, from its process start to ready (the start
# time from /proc, 10 ms resolution) — the part a faster runtime (crun under a kubelet) does not change.
#
#   bash deploy/measure-ready.sh [--flavour generic|minilm] [--runs 7] [--port 18700]
# The image must exist (bash deploy/build-image.sh [--flavour minilm]).
set -euo pipefail
cd "$(dirname "$0")/.."
flavour=generic runs=7 port=18700
while (($#)); do
  case "$1" in
    --flavour) flavour=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --port) port=$2; shift 2 ;;
    *) echo "measure-ready: unknown argument '$1'" >&2; exit 2 ;;
  esac
done

b=(buildah --storage-driver vfs)
ctr=$("${b[@]}" from "aot:$flavour")
trap '"${b[@]}" rm "$ctr" >/dev/null' EXIT
case "$flavour" in
  generic)
    model=$(dotnet run --project models/Aot.Models.Cli -c Release -- path minilm)
    run=(--volume "$(dirname "$model"):/models/minilm:ro" "$ctr" -- /app/aot serve --model "minilm=/models/minilm/$(basename "$model")")
    executable=/app/aot ;;
  minilm) run=("$ctr" -- /app/minilm-server); executable=/app/minilm-server ;;
  *) echo "measure-ready: --flavour generic|minilm" >&2; exit 2 ;;
esac

times=() cpu=() process=()
ticks=$(getconf CLK_TCK)
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for ((i = 1; i <= runs; i++)); do
  start=$(date +%s%N)
  "${b[@]}" run --isolation chroot "${run[@]}" --host 127.0.0.1 --http-port "$port" --port 0 >/dev/null 2>&1 &
  engine=$!
  until curl -sf "http://127.0.0.1:$port/v2/health/ready" >/dev/null; do
    kill -0 "$engine" 2>/dev/null || { echo "measure-ready: the container exited before it was ready" >&2; exit 1; }
    sleep 0.01
  done
  end=$(date +%s%N)
  uptime_ms=$(awk '{ print int($1 * 1000) }' /proc/uptime)
  server=$(pgrep -f "^$executable .*--http-port $port ")
  # /proc/PID/stat fields 14 and 15: user and system time in clock ticks (after the ')' that ends the command name).
  # Field 22, the process's start time in clock ticks since boot, is the 20th after the ')'.
  used=$(sed 's/.*) //' "/proc/$server/stat" | awk -v t="$ticks" '{ print int(($12 + $13) * 1000 / t) }')
  started_ms=$(sed 's/.*) //' "/proc/$server/stat" | awk -v t="$ticks" '{ print int($20 * 1000 / t) }')
  times+=("$(( (end - start) / 1000000 ))")
  cpu+=("$used")
  process+=("$(( uptime_ms - started_ms ))")
  echo "run $i: ready after ${times[-1]} ms: engine set-up $(( times[-1] - process[-1] )) ms, server start to ready ${process[-1]} ms (server CPU time ${used} ms)"
  # SIGTERM to the server itself (buildah run would SIGKILL its child).
  kill -TERM "$server"
  wait "$engine"
done
median() { printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "$flavour: median over $runs runs: ready after $(median "${times[@]}") ms from 'buildah run', $(median "${process[@]}") ms from the server's process start, server CPU time $(median "${cpu[@]}") ms"
