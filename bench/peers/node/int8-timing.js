// fp32 vs int8 MiniLM in onnxruntime-node (a binding other than Aot's), seq 128 batch 1, interleaved, p50.
// node bench/peers/node/int8-timing.js FP32.onnx INT8.onnx   (ORT_NODE=path/to/node_modules/onnxruntime-node; bench/run.sh installs it in ~/.cache/aot/bench/node-peer)
const ort = require(process.env.ORT_NODE || 'onnxruntime-node');
async function main() {
  const [fp32Path, int8Path] = process.argv.slice(2);
  const opts = { intraOpNumThreads: 2, interOpNumThreads: 1, graphOptimizationLevel: 'all' };
  const fp32 = await ort.InferenceSession.create(fp32Path, opts);
  const int8 = await ort.InferenceSession.create(int8Path, opts);
  const n = 128, ids = new BigInt64Array(n), mask = new BigInt64Array(n).fill(1n), types = new BigInt64Array(n);
  for (let i = 0; i < n; i++) ids[i] = BigInt(1000 + (i * 37) % 20000);
  ids[0] = 101n; ids[n - 1] = 102n;
  const feeds = { input_ids: new ort.Tensor('int64', ids, [1, n]), attention_mask: new ort.Tensor('int64', mask, [1, n]), token_type_ids: new ort.Tensor('int64', types, [1, n]) };
  const times = { fp32: [], int8: [] };
  for (let i = 0; i < 5; i++) { await fp32.run(feeds); await int8.run(feeds); }
  for (let i = 0; i < 60; i++) for (const [k, s] of [['fp32', fp32], ['int8', int8]]) { const t = process.hrtime.bigint(); await s.run(feeds); times[k].push(Number(process.hrtime.bigint() - t) / 1e6); }
  const p50 = a => a.sort((x, y) => x - y)[a.length >> 1];
  const a = (await fp32.run(feeds)).last_hidden_state.data, b = (await int8.run(feeds)).last_hidden_state.data;
  let dot = 0, na = 0, nb = 0; for (let i = 0; i < a.length; i++) { dot += a[i] * b[i]; na += a[i] * a[i]; nb += b[i] * b[i]; }
  console.log(`onnxruntime-node ${require((process.env.ORT_NODE || 'onnxruntime-node') + '/package.json').version}: MiniLM seq 128 batch 1 p50 fp32 ${p50(times.fp32).toFixed(2)} ms, int8 ${p50(times.int8).toFixed(2)} ms, ratio ${(p50(times.int8) / p50(times.fp32)).toFixed(2)}; last_hidden_state cosine ${(dot / Math.sqrt(na * nb)).toFixed(4)}`);
}
main().catch(e => { console.error(e); process.exit(1); });
