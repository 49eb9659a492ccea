"""Peer for the Aot benchmarks: PyTorch behind FastAPI/uvicorn (Debian packages), a TorchServe-like stack.

POST /infer {"inputs": {"NAME": {"datatype": "FP32"|"INT64", "shape": [...], "data": [flat numbers]}}}
  -> 200 {"outputs": {"NAME": {"datatype": "FP32", "shape": [...], "data": [...]}}}
POST /embed {"inputs": "text" | ["t1", ...], "normalize": true} -> 200 [[...], ...]   (with --vocab PATH)
GET /health -> 200 once the model is loaded.

The model is the ONNX graph run with PyTorch ops and the ONNX file's own weights (onnx_torch.py), traced to
TorchScript once per input shape (torch.jit.trace) as a TorchServe model would be; eager if tracing fails.
/embed tokenises with wordpiece.py (BERT uncased WordPiece from vocab.txt), pads to the longest text, runs the
model, mean-pools last_hidden_state over the attention mask and L2-normalises (F.normalize), as
sentence-transformers does.
"""
import argparse
import os
import sys
import threading

import torch
import torch.nn.functional as F
import uvicorn
from fastapi import Body, FastAPI, HTTPException

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from onnx_torch import OnnxModule  # noqa: E402
from wordpiece import WordPieceTokenizer  # noqa: E402

parser = argparse.ArgumentParser()
parser.add_argument("--model", required=True)
parser.add_argument("--port", type=int, default=8080)
parser.add_argument("--threads", type=int, default=0)
parser.add_argument("--vocab", help="vocab.txt of a BERT model: turns POST /embed on")
args = parser.parse_args()

if args.threads > 0:
    torch.set_num_threads(args.threads)
torch.set_num_interop_threads(1)

module = OnnxModule(args.model).eval()
tokenizer = WordPieceTokenizer(args.vocab) if args.vocab else None
if tokenizer is not None and "last_hidden_state" not in module.outputs:
    sys.exit(f"--vocab: {args.model} has no output named last_hidden_state to pool (outputs: {module.outputs})")
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


@app.post("/embed")
def embed(body: dict = Body(...)):
    if tokenizer is None:
        raise HTTPException(status_code=404, detail="/embed needs --vocab")
    texts = body.get("inputs")
    texts = [texts] if isinstance(texts, str) else texts
    if not isinstance(texts, list) or not texts or not all(isinstance(t, str) for t in texts):
        raise HTTPException(status_code=422, detail="`inputs` must be a string or a non-empty array of strings")
    rows = [tokenizer.encode(text) for text in texts]
    width = max(len(row) for row in rows)
    ids = torch.tensor([row + [tokenizer.pad_id] * (width - len(row)) for row in rows], dtype=torch.int64)
    mask = torch.tensor([[1] * len(row) + [0] * (width - len(row)) for row in rows], dtype=torch.int64)
    feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": torch.zeros_like(ids)}
    inputs = [feeds[name] for name in module.inputs]
    with torch.inference_mode():
        hidden = runner(inputs)(*inputs)[module.outputs.index("last_hidden_state")]
        weights = mask.unsqueeze(-1).to(hidden.dtype)
        vectors = (hidden * weights).sum(dim=1) / weights.sum(dim=1).clamp(min=1e-9)
        if body.get("normalize", True):
            vectors = F.normalize(vectors, p=2, dim=1)
    return vectors.tolist()


if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning", access_log=False)
