// Peer for the Aot benchmarks: onnxruntime-node behind Node's http module, as a typical user writes it.
// POST /infer {"inputs": {"NAME": {"datatype": "FP32"|"INT64", "shape": [...], "data": [flat numbers]}}}
//   -> 200 {"outputs": {"NAME": {"datatype": "FP32", "shape": [...], "data": [...]}}}
// POST /embed {"inputs": "text" | ["t1", ...], "normalize": true} -> 200 [[...], ...]   (with --vocab PATH; see embed.js)
// GET /health -> 200 once the model is loaded.
'use strict';
const http = require('http');
const ort = require('onnxruntime-node');
const { createEmbedder } = require('./embed');

function arg(name, fallback) {
  const at = process.argv.indexOf(name);
  return at >= 0 && at + 1 < process.argv.length ? process.argv[at + 1] : fallback;
}

const modelPath = arg('--model');
const port = Number(arg('--port', '8080'));
const threads = Number(arg('--threads', '0'));
const vocabPath = arg('--vocab');

function toTensor(input) {
  if (input.datatype === 'FP32') return new ort.Tensor('float32', Float32Array.from(input.data), input.shape);
  if (input.datatype === 'INT64') return new ort.Tensor('int64', BigInt64Array.from(input.data, BigInt), input.shape);
  throw new Error(`unsupported datatype ${input.datatype}`);
}

function fromTensor(tensor) {
  const data = tensor.type === 'int64' ? Array.from(tensor.data, Number) : Array.from(tensor.data);
  return { datatype: tensor.type === 'int64' ? 'INT64' : 'FP32', shape: tensor.dims, data };
}

async function main() {
  const session = await ort.InferenceSession.create(modelPath, {
    executionProviders: ['cpu'],
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
  });
  const embed = vocabPath ? await createEmbedder(session, vocabPath) : null;

  const server = http.createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/health') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{"ready":true}');
      return;
    }
    const route = req.method === 'POST' && (req.url === '/infer' || (req.url === '/embed' && embed));
    if (!route) {
      res.writeHead(404, { 'Content-Type': 'application/json' });
      res.end('{"error":"not found"}');
      return;
    }
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', async () => {
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        if (req.url === '/embed') {
          const vectors = await embed(body);
          res.writeHead(200, { 'Content-Type': 'application/json' });
          res.end(JSON.stringify(vectors));
          return;
        }
        const feeds = {};
        for (const [name, input] of Object.entries(body.inputs)) feeds[name] = toTensor(input);
        const results = await session.run(feeds);
        const outputs = {};
        for (const [name, tensor] of Object.entries(results)) outputs[name] = fromTensor(tensor);
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ outputs }));
      } catch (error) {
        res.writeHead(400, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ error: String(error && error.message || error) }));
      }
    });
  });
  server.keepAliveTimeout = 120000;
  server.listen(port, '127.0.0.1', () => console.error(`node-ort: listening on 127.0.0.1:${port}, model ${modelPath}${embed ? `, /embed with ${vocabPath}` : ''}`));
  const stop = () => server.close(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error) => { console.error(error); process.exit(1); });
