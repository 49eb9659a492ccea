// Real npm clients against `aot serve`: Hugging Face's inference client (featureExtraction at the server's root URL
// and at /embed) and OpenAI's SDK (embeddings float and base64, models.list). Prints one JSON line of what they got.
import OpenAI from 'openai';
import { InferenceClient } from '@huggingface/inference';

const [base, model, ...texts] = process.argv.slice(2);
const out = {};
const hf = new InferenceClient();
out.hfRoot = await hf.featureExtraction({ endpointUrl: base, inputs: texts[0] });
out.hfEmbed = await hf.featureExtraction({ endpointUrl: `${base}/embed`, inputs: texts });
const openai = new OpenAI({ baseURL: `${base}/v1`, apiKey: 'unused' });
out.openaiFloat = (await openai.embeddings.create({ model, input: texts, encoding_format: 'float' })).data.map(d => d.embedding);
out.openaiBase64 = (await openai.embeddings.create({ model, input: texts })).data.map(d => d.embedding);
out.models = [];
for await (const m of openai.models.list()) out.models.push(m.id);
console.log(JSON.stringify(out));
