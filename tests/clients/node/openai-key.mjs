// OpenAI's Node SDK against `aot serve` with an API key: the key as the SDK's apiKey (sent as Authorization: Bearer),
// then a wrong one. Prints one JSON line: the vector's dimensions, and the wrong key's status and message.
import OpenAI from 'openai';

const [base, model, key] = process.argv.slice(2);
const out = {};
const good = new OpenAI({ baseURL: `${base}/v1`, apiKey: key, maxRetries: 0 });
out.dimensions = (await good.embeddings.create({ model, input: 'hello', encoding_format: 'float' })).data[0].embedding.length;
const wrong = new OpenAI({ baseURL: `${base}/v1`, apiKey: `${key}-wrong`, maxRetries: 0 });
try {
  await wrong.embeddings.create({ model, input: 'hello', encoding_format: 'float' });
} catch (error) {
  out.wrongKeyStatus = error.status;
  out.wrongKeyMessage = error.error?.message;
}
console.log(JSON.stringify(out));
