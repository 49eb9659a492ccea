"""Runs an ONNX graph with PyTorch ops: the same architecture and the same weights (the ONNX initializers).

OnnxModule(path) is a torch.nn.Module whose forward executes the graph's nodes in order with torch functions.
It covers the operators of the benchmark models (tiny MLP, ResNet-50, LSTM, MiniLM/BERT); any other operator
raises NotImplementedError naming it.
"""
import math

import onnx
import torch
import torch.nn.functional as F
from onnx import numpy_helper

DTYPES = {1: torch.float32, 6: torch.int32, 7: torch.int64, 9: torch.bool, 11: torch.float64}


def _attrs(node):
    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


def _tensor(proto):
    return torch.from_numpy(numpy_helper.to_array(proto).copy())


def _axes(node, values, attrs, index):
    if len(node.input) > index and node.input[index]:
        return [int(a) for a in values[node.input[index]].tolist()]
    return list(attrs.get("axes", []))


class OnnxModule(torch.nn.Module):
    def __init__(self, path):
        super().__init__()
        model = onnx.load(path)
        graph = model.graph
        self.initializers = {t.name: _tensor(t) for t in graph.initializer}
        names = set(self.initializers)
        self.inputs = [i.name for i in graph.input if i.name not in names]
        self.outputs = [o.name for o in graph.output]
        self.nodes = [(n, _attrs(n)) for n in graph.node]
        self.lstms = {}
        for node, attrs in self.nodes:
            if node.op_type == "LSTM":
                self.lstms[node.output[0] or node.name] = self._lstm(node, attrs)

    def _lstm(self, node, attrs):
        w, r = self.initializers[node.input[1]], self.initializers[node.input[2]]
        b = self.initializers[node.input[3]] if len(node.input) > 3 and node.input[3] else None
        if w.shape[0] != 1:
            raise NotImplementedError("bidirectional LSTM")
        hidden = int(attrs["hidden_size"])
        lstm = torch.nn.LSTM(w.shape[2], hidden).requires_grad_(False)

        def reorder(m):  # ONNX gates i, o, f, c -> PyTorch i, f, g(c), o
            i, o, f, c = m.chunk(4, 0)
            return torch.cat([i, f, c, o], 0)

        with torch.no_grad():
            lstm.weight_ih_l0.copy_(reorder(w[0]))
            lstm.weight_hh_l0.copy_(reorder(r[0]))
            if b is None:
                lstm.bias_ih_l0.zero_()
                lstm.bias_hh_l0.zero_()
            else:
                lstm.bias_ih_l0.copy_(reorder(b[0, : 4 * hidden]))
                lstm.bias_hh_l0.copy_(reorder(b[0, 4 * hidden:]))
        return lstm

    def forward(self, *args):
        values = dict(self.initializers)
        values.update(zip(self.inputs, args))
        for node, attrs in self.nodes:
            ins = [values[i] if i else None for i in node.input]
            outs = self._run(node, attrs, ins, values)
            for name, value in zip(node.output, outs):
                if name:
                    values[name] = value
        return tuple(values[o] for o in self.outputs)

    def _run(self, node, a, x, values):
        op = node.op_type
        if op == "Constant":
            return [_tensor(a["value"])]
        if op in ("Add", "Sub", "Mul", "Div", "Pow", "MatMul", "Equal"):
            fn = {"Add": torch.add, "Sub": torch.sub, "Mul": torch.mul, "Div": torch.div, "Pow": torch.pow,
                  "MatMul": torch.matmul, "Equal": torch.eq}[op]
            if op == "Div" and not x[0].is_floating_point():
                return [torch.div(x[0], x[1], rounding_mode="trunc")]
            return [fn(x[0], x[1])]
        if op in ("Relu", "Sqrt", "Erf", "Tanh"):
            return [{"Relu": torch.relu, "Sqrt": torch.sqrt, "Erf": torch.erf, "Tanh": torch.tanh}[op](x[0])]
        if op == "Softmax":
            return [torch.softmax(x[0], dim=a.get("axis", -1))]
        if op == "Gemm":
            A = x[0].t() if a.get("transA", 0) else x[0]
            B = x[1].t() if a.get("transB", 0) else x[1]
            y = a.get("alpha", 1.0) * (A @ B)
            return [y + a.get("beta", 1.0) * x[2] if len(x) > 2 and x[2] is not None else y]
        if op == "Conv":
            pads = a.get("pads", [0, 0, 0, 0])
            return [F.conv2d(x[0], x[1], x[2] if len(x) > 2 else None, stride=a.get("strides", [1, 1]),
                             padding=pads[:2], dilation=a.get("dilations", [1, 1]), groups=a.get("group", 1))]
        if op == "MaxPool":
            pads = a.get("pads", [0, 0, 0, 0])
            return [F.max_pool2d(x[0], a["kernel_shape"], a.get("strides", a["kernel_shape"]), pads[:2])]
        if op == "GlobalAveragePool":
            return [x[0].mean(dim=(2, 3), keepdim=True)]
        if op == "Flatten":
            axis = a.get("axis", 1)
            return [x[0].reshape(int(math.prod(x[0].shape[:axis])), -1)]
        if op == "ReduceMean":
            return [x[0].mean(dim=a["axes"], keepdim=bool(a.get("keepdims", 1)))]
        if op == "Cast":
            return [x[0].to(DTYPES[a["to"]])]
        if op == "Shape":
            return [torch.tensor(x[0].shape, dtype=torch.int64)]
        if op == "Gather":
            axis = a.get("axis", 0)
            data, idx = x[0], x[1].long()
            idx = torch.where(idx < 0, idx + data.shape[axis], idx)
            out = torch.index_select(data, axis, idx.reshape(-1))
            return [out.reshape(data.shape[:axis] + idx.shape + data.shape[axis + 1:])]
        if op == "Unsqueeze":
            y = x[0]
            for axis in sorted(_axes(node, values, a, 1)):
                y = y.unsqueeze(axis if axis >= 0 else axis + y.dim() + 1)
            return [y]
        if op == "Squeeze":
            y = x[0]
            for axis in sorted((ax % y.dim() for ax in _axes(node, values, a, 1)), reverse=True):
                y = y.squeeze(axis)
            return [y]
        if op == "Concat":
            return [torch.cat([t for t in x if t is not None], dim=a["axis"])]
        if op == "Reshape":
            shape = [int(s) for s in x[1].tolist()]
            shape = [x[0].shape[i] if s == 0 else s for i, s in enumerate(shape)]
            return [x[0].reshape(shape)]
        if op == "Transpose":
            return [x[0].permute(*a.get("perm", list(reversed(range(x[0].dim())))))]
        if op == "Slice":
            starts, ends = x[1].tolist(), x[2].tolist()
            axes = x[3].tolist() if len(x) > 3 and x[3] is not None else list(range(len(starts)))
            steps = x[4].tolist() if len(x) > 4 and x[4] is not None else [1] * len(starts)
            index = [slice(None)] * x[0].dim()
            for s, e, ax, st in zip(starts, ends, axes, steps):
                size = x[0].shape[ax]
                index[ax] = slice(max(min(s, size), -size), max(min(e, size), -size - 1), st)
            return [x[0][tuple(index)]]
        if op == "LSTM":
            lstm = self.lstms[node.output[0] or node.name]
            h0 = x[5] if len(x) > 5 and x[5] is not None else None
            c0 = x[6] if len(x) > 6 and x[6] is not None else None
            state = (h0, c0) if h0 is not None and c0 is not None else None
            y, (h, c) = lstm(x[0], state)
            return [y.unsqueeze(1), h, c]
        raise NotImplementedError(f"ONNX operator {op} is not supported by onnx_torch.py")
