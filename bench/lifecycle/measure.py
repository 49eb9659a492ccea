#!/usr/bin/env python3
"""Drives one `aot serve --model-control explicit` (bench/lifecycle.sh): RSS around a load and unload of a
ResNet-50-sized model, and the first request after ready against the median of the next 100."""
import http.client, json, statistics, struct, sys, time

port, pid, model, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
prime = len(sys.argv) > 5 and sys.argv[5] == "--prime"


def rss_bytes():
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError("no VmRSS")


def settled_rss():
    # The median of a few readings a little apart: a freed arena goes back over a few hundred ms.
    readings = []
    for _ in range(5):
        time.sleep(0.4)
        readings.append(rss_bytes())
    return int(statistics.median(readings))


def post(path, body=b"", headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    connection.request("POST", path, body=body, headers=headers or {})
    response = connection.getresponse()
    data = response.read()
    connection.close()
    if response.status != 200:
        raise RuntimeError(f"{path}: {response.status} {data[:300]!r}")
    return data


# One 224x224 image through the binary tensor data extension (raw float32 after the JSON header).
header = json.dumps({"inputs": [{"name": "input", "shape": [1, 3, 224, 224], "datatype": "FP32",
                                 "parameters": {"binary_data_size": 3 * 224 * 224 * 4}}],
                     "outputs": [{"name": "logits"}]}).encode()
pixels = struct.pack("<%df" % (3 * 224 * 224), *[((i * 7919) % 255) / 255.0 for i in range(3 * 224 * 224)])
infer_body = header + pixels
infer_headers = {"Inference-Header-Content-Length": str(len(header)), "Content-Type": "application/octet-stream"}

if prime:
    # The transport's own buffers (Kestrel, the pooled request bodies) grow to this body size once per process; sized
    # first on the always-served tiny model ([9408, 16] float32: the same 602112 bytes), so the baseline holds them
    # and what comes back after the unload is the model's own memory.
    tiny_header = json.dumps({"inputs": [{"name": "x", "shape": [9408, 16], "datatype": "FP32",
                                          "parameters": {"binary_data_size": 9408 * 16 * 4}}],
                              "outputs": [{"name": "y", "parameters": {"binary_data": True}}]}).encode()
    for _ in range(101):
        post("/v2/models/tiny/infer", tiny_header + pixels,
             {"Inference-Header-Content-Length": str(len(tiny_header)), "Content-Type": "application/octet-stream"})

before = settled_rss()
started = time.perf_counter()
post(f"/v2/repository/models/{model}/load")
load_seconds = time.perf_counter() - started

timings = []
for _ in range(101):
    t0 = time.perf_counter()
    post(f"/v2/models/{model}/infer", infer_body, infer_headers)
    timings.append(time.perf_counter() - t0)
after_load = settled_rss()

post(f"/v2/repository/models/{model}/unload")
after_unload = settled_rss()

first, rest = timings[0], timings[1:]
result = {
    "rss_before_load_bytes": before,
    "rss_after_load_bytes": after_load,
    "rss_after_unload_bytes": after_unload,
    "rss_after_unload_over_before": after_unload / before,
    "load_seconds_incl_warmup": load_seconds,
    "first_request_ms": first * 1e3,
    "median_next_100_ms": statistics.median(rest) * 1e3,
    "first_over_median": first / statistics.median(rest),
}
with open(out, "w") as f:
    json.dump(result, f, indent=2)
print(json.dumps(result, indent=2))
