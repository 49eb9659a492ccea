#!/usr/bin/env bash
# gRPC next to HTTP JSON and the binary protocol on one Aot server, in one run (issue 17, docs/benchmarks.md):
#   bash bench/grpc.sh [--out DIR] [--aot PATH] [--rounds N] [--seconds S]
# The tiny model (overhead), batching off, every client on the same 2 cores as the server. Per round, one at a time:
#   1 client:   gRPC and HTTP JSON from h2load (nghttp2's native HTTP/2 and HTTP/1.1 load tool), the same JSON route
#               over HTTP/2 (what HTTP/2 itself costs), and gRPC / HTTP JSON from aot-loadgen (.NET clients);
#   16 clients: the binary protocol (aot-loadgen, 16 TCP connections), gRPC as one channel with 16 calls in flight
#               (h2load -c 1 -m 16: what a gRPC client does with one channel), as 16 channels (h2load -c 16 -m 1),
#               gRPC from Grpc.Net.Client (aot-loadgen, 16 channels), HTTP JSON (h2load --h1 and aot-loadgen).
# h2load does not read gRPC trailers, so every h2load run is checked against the server's own counts: every request
# aot_requests_total saw is a success (or one of the calls in flight when h2load closed), at least as many as h2load
# finished. Server CPU per request from /proc.
# Writes DIR/runs.txt (every run) and DIR/results.md (medians over the rounds, and the issue's two ratios).
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 MSBUILDTERMINALLOGGER=off

out="bench/results/$(date -u +%Y-%m-%d)-grpc" aot="" rounds=3 seconds=5
while (($#)); do
  case "$1" in
    --out) out="$2"; shift ;;
    --aot) aot="$2"; shift ;;
    --rounds) rounds="$2"; shift ;;
    --seconds) seconds="$2"; shift ;;
    *) echo "usage: bench/grpc.sh [--out DIR] [--aot PATH] [--rounds N] [--seconds S]" >&2; exit 2 ;;
  esac
  shift
done
source bench/common.sh
command -v h2load >/dev/null || { echo "bench/grpc.sh needs h2load: apt-get install nghttp2-client" >&2; exit 2; }
mkdir -p "$out"

if [[ -z "$aot" ]]; then
  step "publish the native aot binary"
  aot=$(bash bench/aot-server.sh)
fi
step "build the load generator and fetch the tiny model"
dotnet build bench/Aot.LoadGen -c Release -v quiet -nologo >&2
loadgen=bench/Aot.LoadGen/bin/Release/net10.0/aot-loadgen
tiny=$(models tiny)

work=$(mktemp -d)
trap 'kill "${server:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT
"$loadgen" body --workload tiny --protocol grpc >"$work/grpc.bin"
"$loadgen" body --workload tiny --protocol kserve-http >"$work/kserve.json"

base=$((20000 + RANDOM % 20000))
http=$base tcp=$((base + 1)) grpc=$((base + 2))
step "aot serve (HTTP :$http, binary :$tcp, gRPC :$grpc)"
"$aot" serve --model "tiny=$tiny" --host 127.0.0.1 --http-port "$http" --port "$tcp" --grpc-port "$grpc" \
  --threads 1 --workers 1 --max-batch 1 --max-delay-us 0 >"$out/server.log" 2>&1 &
server=$!
for _ in $(seq 1 300); do curl -fs "localhost:$http/v2/health/ready" >/dev/null 2>&1 && break; sleep 0.1; done

ticks() { awk '{print $14 + $15}' "/proc/$server/stat"; }
# "successes cancelled others": the server's request counts for the tiny model by outcome (h2load ends a timed run by
# closing its connections, so the calls still in flight then are cancelled)
outcomes() { curl -fs "localhost:$http/metrics" | awk '/^aot_requests_total\{model="tiny"/ { if ($1 ~ /outcome="success"/) s += $2; else if ($1 ~ /outcome="cancelled"/) c += $2; else o += $2 } END { print s + 0, c + 0, o + 0 }'; }
clock_ticks=$(getconf CLK_TCK)
# name, then h2load's arguments; prints one line of runs.txt
h2() {
  local name=$1; shift
  local cpu0 ok0 cut0 bad0 cpu1 ok1 cut1 bad1 text done_ failed
  rm -f "$work/log.tsv"
  read -r ok0 cut0 bad0 < <(outcomes); cpu0=$(ticks)
  text=$(h2load "$@" -D "$seconds" --warm-up-time=1 --log-file="$work/log.tsv" 2>&1)
  cpu1=$(ticks); read -r ok1 cut1 bad1 < <(outcomes)
  done_=$(grep -oP '\d+(?= done)' <<<"$text"); failed=$(grep -oP '\d+(?= failed)' <<<"$text")
  python3 - "$name" "$work/log.tsv" "$seconds" "$((ok1 - ok0))" "$((cut1 - cut0))" "$((bad1 - bad0))" "$done_" "$failed" "$((cpu1 - cpu0))" "$clock_ticks" <<'PY'
import sys
name, log, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
served, cancelled, refused, done, failed, ticks, hz = map(int, sys.argv[4:11])
lat = sorted(int(line.split()[2]) for line in open(log) if line.strip())  # microseconds, timed window only
n = len(lat)
# h2load counts the window only, the server the warm-up too: every request it saw must be a success (or cancelled by the
# closing connections, at most one per call in flight), and at least as many as h2load finished (a gRPC error is an
# HTTP 200 with grpc-status in the trailers, which h2load does not read).
check = "ok" if refused == 0 and cancelled <= 16 and failed == 0 and served >= done else f"MISMATCH server: {served} successes, {cancelled} cancelled, {refused} other outcomes; h2load: {done} done, {failed} failed"
print(f"{name}: {n / seconds:.0f} req/s, p50 {lat[n // 2] / 1000:.3f} ms, p99 {lat[int(n * 0.99)] / 1000:.3f} ms, n {n} | server {ticks / hz * 1e6 / max(1, served):.1f} us/req | check {check}")
PY
}
# name, then aot-loadgen run's arguments
lg() {
  local name=$1; shift
  local cpu0 cpu1 result
  cpu0=$(ticks)
  result=$("$loadgen" run --workload tiny --http-port "$http" --port "$tcp" --grpc-port "$grpc" --warmup 1 --duration "$seconds" "$@" 2>/dev/null)
  cpu1=$(ticks)
  python3 - "$name" "$result" "$((cpu1 - cpu0))" "$clock_ticks" "$seconds" <<'PY'
import json, sys
name, r, ticks, hz, seconds = sys.argv[1], json.loads(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
# warm-up (1 s) counted in the CPU, as for h2load, whose server count has the warm-up's requests too
print(f"{name}: {r['throughput']:.0f} req/s, p50 {r['p50Ms']:.3f} ms, p99 {r['p99Ms']:.3f} ms, n {r['requests']} | server {ticks / hz * 1e6 / max(1, r['throughput'] * (seconds + 1)):.1f} us/req | check {'ok' if r['errors'] == 0 and r['measured'] else str(r['errors']) + ' errors'}")
PY
}

g=(-H 'content-type: application/grpc' -H 'te: trailers' -d "$work/grpc.bin" "http://127.0.0.1:$grpc/inference.GRPCInferenceService/ModelInfer")
j=(-H 'content-type: application/json' -d "$work/kserve.json")
{
  echo "# tiny model, aot at $(git rev-parse --short HEAD), --threads 1 --max-batch 1, one server; ${seconds} s windows after 1 s warm-up; $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at start"
  for round in $(seq 1 "$rounds"); do
    step "round $round of $rounds" >&2
    h2 "r$round grpc h2load c=1" -c 1 -m 1 "${g[@]}"
    h2 "r$round kserve-http h2load c=1" --h1 -c 1 -m 1 "${j[@]}" "http://127.0.0.1:$http/v2/models/tiny/infer"
    h2 "r$round kserve-http-over-h2 h2load c=1" -c 1 -m 1 "${j[@]}" "http://127.0.0.1:$grpc/v2/models/tiny/infer"
    lg "r$round grpc loadgen c=1" --protocol grpc -c 1
    lg "r$round kserve-http loadgen c=1" --protocol kserve-http -c 1
    lg "r$round binary loadgen c=16" --protocol binary -c 16
    h2 "r$round grpc h2load 1 channel x 16 calls" -c 1 -m 16 "${g[@]}"
    h2 "r$round grpc h2load 16 channels" -c 16 -m 1 "${g[@]}"
    lg "r$round grpc loadgen c=16" --protocol grpc -c 16
    h2 "r$round kserve-http h2load c=16" --h1 -c 16 -m 1 "${j[@]}" "http://127.0.0.1:$http/v2/models/tiny/infer"
    lg "r$round kserve-http loadgen c=16" --protocol kserve-http -c 16
  done
  echo "# load average $(cut -d' ' -f1-3 /proc/loadavg) at end"
} | tee "$out/runs.txt"

python3 - "$out" <<'PY'
import re, statistics, sys
out = sys.argv[1]
rows = {}
for line in open(f"{out}/runs.txt"):
    m = re.match(r"r\d+ (.+?): (\d+) req/s, p50 ([\d.]+) ms, p99 ([\d.]+) ms, n \d+ \| server ([\d.]+) us/req \| check (.+)", line.strip())
    if m:
        rows.setdefault(m.group(1), []).append((float(m.group(2)), float(m.group(3)), float(m.group(4)), float(m.group(5)), m.group(6)))
med = {k: tuple(statistics.median(r[i] for r in v) for i in range(4)) for k, v in rows.items()}
bad = [k for k, v in rows.items() if any(r[4] != "ok" for r in v)]
lines = [open(f"{out}/runs.txt").readline().strip(), "",
         "| run | req/s | p50 ms | p99 ms | server µs/request |", "|---|---:|---:|---:|---:|"]
lines += [f"| {k} | {v[0]:.0f} | {v[1]:.3f} | {v[2]:.3f} | {v[3]:.1f} |" for k, v in med.items()]
def ratio(a, b, i): return med[a][i] / med[b][i]
lines += ["", "Medians over the rounds; server µs/request includes the warm-up's requests and, at 1 client, ONNX Runtime's idle time.", "",
          "Issue 17's two ratios:",
          f"- p50 at 1 client, gRPC ÷ HTTP JSON: h2load {ratio('grpc h2load c=1', 'kserve-http h2load c=1', 1):.2f}× (target ≤ 1); aot-loadgen {ratio('grpc loadgen c=1', 'kserve-http loadgen c=1', 1):.2f}×",
          f"  - the same JSON route over HTTP/2 ÷ over HTTP/1.1: {ratio('kserve-http-over-h2 h2load c=1', 'kserve-http h2load c=1', 1):.2f}× (HTTP/2's own share)",
          f"- throughput at 16 clients, gRPC ÷ binary: one channel × 16 calls {ratio('grpc h2load 1 channel x 16 calls', 'binary loadgen c=16', 0):.2f}× (target ≥ 0.8); 16 channels {ratio('grpc h2load 16 channels', 'binary loadgen c=16', 0):.2f}×; Grpc.Net.Client {ratio('grpc loadgen c=16', 'binary loadgen c=16', 0):.2f}×",
          "", "Checks: " + ("every run's answers were counted by the server as successes" if not bad else "FAILED for " + ", ".join(bad))]
open(f"{out}/results.md", "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
sys.exit(1 if bad else 0)
PY
