"""Peer for the Aot benchmarks: PyTorch behind FastAPI/uvicorn (Debian packages), a TorchServe-like stack.

POST /infer {"inputs": {"NAME": {"datatype": "FP32"|"INT64", "shape": [...], "data": [flat numbers]}}}
  -> 200 {"outputs": {"NAME": {"datatype": "FP32", "shape": [...], "data": [...]}}}
GET /health -> 200 once the model is loaded.

The model is the ONNX graph run with PyTorch ops and the ONNX file's own weights (onnx_torch.py), traced to
TorchScript once per input shape (torch.jit.trace) as a TorchServe model would be; eager if tracing fails.
"""
import argparse
import os
import sys
import threading

import torch
import uvicorn
from fastapi import Body, FastAPI, HTTPException

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from onnx_torch import OnnxModule  # noqa: E402

parser = argparse.ArgumentParser()
parser.add_argument("--model", required=True)
parser.add_argument("--port", type=int, default=8080)
parser.add_argument("--threads", type=int, default=0)
args = parser.parse_args()

if args.threads > 0:
    torch.set_num_threads(args.threads)
torch.set_num_interop_threads(1)

module = OnnxModule(args.model).eval()
traced = {}
trace_lock = threading.Lock()
DTYPES = {"FP32": torch.float32, "INT64": torch.int64}
app = FastAPI()


def runner(inputs):
    key = tuple((tuple(t.shape), t.dtype) for t in inputs)
    model = traced.get(key)
    if model is None:
        with trace_lock:
            model = traced.get(key)
            if model is None:
                try:
                    model = torch.jit.trace(module, tuple(inputs), check_trace=False)
                except Exception as error:  # noqa: BLE001 - eager is the fallback
                    print(f"torch.jit.trace failed ({str(error)[:200]}); running eagerly", file=sys.stderr)
                    model = module
                traced[key] = model
    return model


@app.get("/health")
def health():
    return {"ready": True}


@app.post("/infer")
def infer(body: dict = Body(...)):
    try:
        inputs = [torch.tensor(body["inputs"][name]["data"], dtype=DTYPES[body["inputs"][name]["datatype"]])
                  .reshape(body["inputs"][name]["shape"]) for name in module.inputs]
    except (KeyError, TypeError, ValueError, RuntimeError) as error:
        raise HTTPException(status_code=400, detail=str(error)) from error
    with torch.inference_mode():
        results = runner(inputs)(*inputs)
    return {"outputs": {name: {"datatype": "FP32", "shape": list(t.shape), "data": t.reshape(-1).tolist()}
                        for name, t in zip(module.outputs, results)}}


if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning", access_log=False)
