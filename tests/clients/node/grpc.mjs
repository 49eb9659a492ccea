// A gRPC client generated at run time from the official KServe V2 proto (@grpc/proto-loader + @grpc/grpc-js) against
// `aot serve`: for each model, the same inputs through POST /v2/models/{m}/infer (JSON), gRPC ModelInfer with typed
// contents, and gRPC ModelInfer with raw_input_contents. Prints one JSON line with every output of the three, which
// tests/Aot.Server.Tests compares.
// usage: node grpc.mjs PROTO_PATH GRPC_HOST:PORT HTTP_BASE MODEL...
import grpc from '@grpc/grpc-js';
import protoLoader from '@grpc/proto-loader';

const [protoPath, grpcAddress, httpBase, ...models] = process.argv.slice(2);
const definition = protoLoader.loadSync(protoPath, { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true });
const inference = grpc.loadPackageDefinition(definition).inference;
const client = new inference.GRPCInferenceService(grpcAddress, grpc.credentials.createInsecure(),
  { 'grpc.max_receive_message_length': -1, 'grpc.max_send_message_length': -1 });
const call = (method, request) => new Promise((resolve, reject) =>
  client[method](request, (error, response) => (error ? reject(error) : resolve(response))));

/** Deterministic inputs from the model's metadata: -1 dimensions are 1 (batch) or 8; ids for int64, a wave for floats. */
function makeInput(meta) {
  const shape = meta.shape.map((d, i) => (d >= 0 ? d : i === 0 ? 1 : 8));
  const count = shape.reduce((a, b) => a * b, 1);
  let values;
  if (meta.datatype === 'INT64') {
    const value = meta.name.includes('mask') ? () => 1 : meta.name.includes('type') ? () => 0 : i => (i === 0 ? 101 : 1000 + ((i * 37) % 2000));
    values = Array.from({ length: count }, (_, i) => value(i));
  } else if (meta.datatype === 'FP32') {
    values = Array.from({ length: count }, (_, i) => Math.fround(Math.sin(i * 0.37) * 0.5));
  } else {
    throw new Error(`input ${meta.name}: datatype ${meta.datatype} is not covered by this script`);
  }
  return { name: meta.name, datatype: meta.datatype, shape, values };
}

const rawOf = input => (input.datatype === 'INT64'
  ? Buffer.from(BigInt64Array.from(input.values.map(BigInt)).buffer)
  : Buffer.from(Float32Array.from(input.values).buffer));

const typedOf = input => (input.datatype === 'INT64' ? { int64_contents: input.values } : { fp32_contents: input.values });

function decodeRaw(datatype, buffer) {
  const copy = Buffer.from(buffer); // aligned copy for the typed array view
  if (datatype === 'FP32') return Array.from(new Float32Array(copy.buffer, copy.byteOffset, copy.length / 4));
  if (datatype === 'INT64') return Array.from(new BigInt64Array(copy.buffer, copy.byteOffset, copy.length / 8), Number);
  throw new Error(`output datatype ${datatype} is not covered by this script`);
}

function decodeTyped(datatype, contents) {
  if (datatype === 'FP32') return contents.fp32_contents;
  if (datatype === 'INT64') return contents.int64_contents.map(Number);
  throw new Error(`output datatype ${datatype} is not covered by this script`);
}

const out = {};
out.ready = (await call('ServerReady', {})).ready;
for (const model of models) {
  const meta = await (await fetch(`${httpBase}/v2/models/${model}`)).json();
  const inputs = meta.inputs.map(makeInput);

  const restResponse = await fetch(`${httpBase}/v2/models/${model}/infer`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ inputs: inputs.map(i => ({ name: i.name, datatype: i.datatype, shape: i.shape, data: i.values })) }),
  });
  if (!restResponse.ok) throw new Error(`REST ${model}: ${restResponse.status} ${await restResponse.text()}`);
  const rest = await restResponse.json();

  const typed = await call('ModelInfer', {
    model_name: model,
    inputs: inputs.map(i => ({ name: i.name, datatype: i.datatype, shape: i.shape, contents: typedOf(i) })),
  });
  const raw = await call('ModelInfer', {
    model_name: model,
    inputs: inputs.map(i => ({ name: i.name, datatype: i.datatype, shape: i.shape })),
    raw_input_contents: inputs.map(rawOf),
  });

  out[model] = rest.outputs.map(r => {
    const t = typed.outputs.find(o => o.name === r.name);
    const index = raw.outputs.findIndex(o => o.name === r.name);
    if (!t || index < 0) throw new Error(`${model}: gRPC answers lack output ${r.name}`);
    return {
      name: r.name,
      datatype: r.datatype,
      restShape: r.shape,
      typedShape: t.shape.map(Number),
      rawShape: raw.outputs[index].shape.map(Number),
      rest: r.data,
      typed: decodeTyped(t.datatype, t.contents),
      raw: decodeRaw(raw.outputs[index].datatype, raw.raw_output_contents[index]),
      typedRawContents: typed.raw_output_contents.length,
    };
  });
}
client.close();
console.log(JSON.stringify(out));
