#!/usr/bin/env bash
# Checks the cuda flavour of `aot` on a GPU machine, with nothing but the published files: no .NET SDK, no network.
#
#   bash check-cuda.sh [DIR]        DIR (default: this script's folder) holds the cuda-flavour publish output
#                                   (aot, libonnxruntime.so, libonnxruntime_providers_cuda.so,
#                                   libonnxruntime_providers_shared.so) and the models tiny.onnx and minilm.onnx.
#
# Serves both models with --device cuda and with --device cpu (same binary, same inputs), checks readiness, that the
# CUDA server really loaded them on CUDA, that every output matches the CPU's within TOL (default 1e-3, absolute),
# and prints the p50 of N (default 200) sequential KServe requests per model and device. Exits non-zero on any failure.
# CUDA 13, cuBLAS, cuRAND and cuDNN 9 come from the system or from the Python wheels (nvidia-cuda-runtime,
# nvidia-cublas, nvidia-curand, nvidia-cudnn-cu13): every site-packages/nvidia/*/lib folder is put on LD_LIBRARY_PATH.
# Environment: TOL, N, READY_TIMEOUT_S (default 180), TINY / MINILM (model paths), PYTHON (default python3),
# CUDA_ARGS (more `aot serve` options for the CUDA server, e.g. --cuda-pinned-buffers false),
# DEVICE (default cuda; DEVICE=cpu dry-runs this script on a machine without a GPU, comparing the CPU with itself).
set -euo pipefail

dir="$(cd "${1:-$(dirname "$0")}" && pwd)"
tol="${TOL:-1e-3}"
requests="${N:-200}"
ready_timeout="${READY_TIMEOUT_S:-180}"
tiny="${TINY:-$dir/tiny.onnx}"
minilm="${MINILM:-$dir/minilm.onnx}"
python="${PYTHON:-python3}"
device="${DEVICE:-cuda}"
work="$(mktemp -d /tmp/aot-check-cuda.XXXXXX)"
pids=()

say() { printf '==> %s\n' "$*"; }
fail() { printf 'FAIL: %s\n' "$*" >&2; exit 1; }
cleanup() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  sleep 1
  for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT

command -v "$python" >/dev/null || fail "$python is needed (requests, comparison and timing are done with its standard library)"

# Files that travelled in pieces (tests/gpu/bundle.sh --parts): FILE.xz.part-aa, -ab, ... → FILE.
for first in "$dir"/*.xz.part-aa; do
  [[ -e "$first" ]] || continue
  target="${first%.xz.part-aa}"
  say "joining ${target##*/} from $(ls "$target".xz.part-* | wc -l) pieces"
  "$python" - "$target" <<'PY' || fail "could not join and decompress ${target##*/}"
import glob, lzma, shutil, sys
target = sys.argv[1]
class Joined:
    def __init__(self, paths): self.paths, self.current = list(paths), None
    def read(self, n=-1):
        while True:
            if self.current is None:
                if not self.paths: return b""
                self.current = open(self.paths.pop(0), "rb")
            data = self.current.read(n)
            if data: return data
            self.current.close(); self.current = None
with lzma.open(Joined(sorted(glob.glob(glob.escape(target) + ".xz.part-*")))) as src, open(target + ".tmp", "wb") as dst:
    shutil.copyfileobj(src, dst, 1 << 20)
import os; os.replace(target + ".tmp", target)
PY
  rm -f "$target".xz.part-*
  [[ "$target" == */aot ]] && chmod +x "$target"
done
chmod +x "$dir/aot" 2>/dev/null || true
for file in aot libonnxruntime.so libonnxruntime_providers_shared.so libonnxruntime_providers_cuda.so; do
  [[ -f "$dir/$file" ]] || fail "$dir/$file is missing: publish the cuda flavour (dotnet publish src/Aot.Server -c Release -p:AotFlavour=cuda -o out-cuda) and copy that folder here"
done
for model in "$tiny" "$minilm"; do
  [[ -f "$model" ]] || fail "model $model is missing (copy ~/.cache/aot/models/tiny/*/tiny.onnx and minilm/all-MiniLM-L6-v2.onnx next to this script, or set TINY / MINILM)"
done

wheel_libs="$("$python" - <<'PY' 2>/dev/null || true
import glob, os
try:
    import nvidia
except ImportError:
    raise SystemExit(0)
folders = sorted({d for p in nvidia.__path__ for d in glob.glob(os.path.join(p, "*", "lib")) if os.path.isdir(d)})
print(":".join(folders))
PY
)"
if [[ -n "$wheel_libs" ]]; then
  export LD_LIBRARY_PATH="$wheel_libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  say "CUDA libraries from the Python wheels: ${wheel_libs//:/ }"
else
  say "no nvidia Python wheels found; relying on the system's CUDA libraries (LD_LIBRARY_PATH=${LD_LIBRARY_PATH:-})"
fi
# The driver's libcuda.so.1: on containers it is often mounted here without being on the loader's path.
if [[ -e /usr/local/nvidia/lib64/libcuda.so.1 ]]; then
  export LD_LIBRARY_PATH="${LD_LIBRARY_PATH:+$LD_LIBRARY_PATH:}/usr/local/nvidia/lib64"
fi
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader | sed 's/^/==> GPU: /' || true

free_port() { "$python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

# start DEVICE: starts `aot serve` on DEVICE and waits for /v2/health/ready; sets $port and $log.
start() {
  local device="$1"
  port="$(free_port)"
  log="$work/$device-$port.log"
  say "starting: aot serve --device $device (HTTP :$port), log $log"
  local extra=()
  # TF32 alone can move MiniLM's outputs by more than TOL; the comparison is about the provider, not TF32.
  if [[ "$device" == cuda* ]]; then extra=(--cuda-tf32 false ${CUDA_ARGS:-}); fi
  "$dir/aot" serve --device "$device" "${extra[@]}" --host 127.0.0.1 --http-port "$port" --port 0 --grpc-port 0 --max-batch 1 \
    --model "tiny=$tiny" --model "minilm=$minilm" >"$log" 2>&1 &
  pids+=("$!")
  local pid="$!" waited=0 started="$SECONDS"
  until "$python" -c "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:$port/v2/health/ready', timeout=2).status == 200 else 1)" 2>/dev/null; do
    if ! kill -0 "$pid" 2>/dev/null; then
      cat "$log" >&2
      fail "aot serve --device $device exited before it was ready (output above)"
    fi
    ((waited++ < ready_timeout)) || { cat "$log" >&2; fail "aot serve --device $device was not ready within ${ready_timeout}s"; }
    sleep 1
  done
  say "ready after $((SECONDS - started)) s: $(grep -c "loaded '" "$log" || true) models loaded"
  grep "loaded '" "$log" | sed 's/^/    /'
}

start "$device"
cuda_port="$port"
if [[ "$device" == cuda* ]]; then
  for name in tiny minilm; do
    grep -q "loaded '$name' .* on Cuda" "$log" || { cat "$log" >&2; fail "'$name' was not loaded on CUDA (output above)"; }
  done
fi
start cpu
cpu_port="$port"

say "inference: outputs compared with the CPU within $tol; p50 of $requests sequential requests per model and device"
"$python" - "$cuda_port" "$cpu_port" "$tol" "$requests" "$device" <<'PY'
import http.client, json, statistics, sys, time

cuda_port, cpu_port, tol, n, label = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
ids = [101, 7592, 2088, 2003, 1037, 3231, 6251, 102]
bodies = {
    "tiny": {"inputs": [{"name": "x", "shape": [1, 16], "datatype": "FP32", "data": [(i - 8) * 0.125 for i in range(16)]}]},
    "minilm": {"inputs": [
        {"name": "input_ids", "shape": [1, len(ids)], "datatype": "INT64", "data": ids},
        {"name": "attention_mask", "shape": [1, len(ids)], "datatype": "INT64", "data": [1] * len(ids)},
        {"name": "token_type_ids", "shape": [1, len(ids)], "datatype": "INT64", "data": [0] * len(ids)}]},
}

def infer(conn, model, body):
    conn.request("POST", f"/v2/models/{model}/infer", body, {"Content-Type": "application/json"})
    response = conn.getresponse()
    text = response.read()
    if response.status != 200:
        raise SystemExit(f"FAIL: {model}: HTTP {response.status}: {text[:500]!r}")
    return json.loads(text)

failures = []
for model, request in bodies.items():
    body = json.dumps(request)
    results, p50 = {}, {}
    for device, port in (("cuda", cuda_port), ("cpu", cpu_port)):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        results[device] = {o["name"]: o for o in infer(conn, model, body)["outputs"]}
        infer(conn, model, body)  # one more warm-up: first runs tune kernels and fill caches
        times = []
        for _ in range(n):
            start = time.perf_counter()
            infer(conn, model, body)
            times.append(time.perf_counter() - start)
        conn.close()
        p50[device] = statistics.median(times) * 1e6
    for name, cpu in results["cpu"].items():
        gpu = results["cuda"].get(name)
        if gpu is None or gpu["shape"] != cpu["shape"]:
            failures.append(f"{model}/{name}: shape {gpu and gpu['shape']} on {label} vs {cpu['shape']} on cpu")
            continue
        diff = max((abs(a - b) for a, b in zip(gpu["data"], cpu["data"])), default=0.0)
        verdict = "ok" if diff <= tol else "FAIL"
        print(f"    {model}/{name} {cpu['shape']}: max |{label} - cpu| = {diff:.2e} ({verdict})")
        if diff > tol:
            failures.append(f"{model}/{name}: max abs difference {diff:.2e} > {tol}")
    print(f"    {model}: p50 over {n} sequential HTTP requests: {label} {p50['cuda']:.0f} us, cpu {p50['cpu']:.0f} us")

if failures:
    raise SystemExit("FAIL: " + "; ".join(failures))
PY

say "PASS: aot --device $device serves tiny and minilm, outputs match the CPU within $tol"
