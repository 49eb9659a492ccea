// TEI's POST /embed for the Node peer: texts -> Hugging Face tokenizers (the Rust library TEI uses, through its
// official Node binding) -> one onnxruntime-node run on the padded batch -> mean pooling over the attention mask ->
// L2 normalisation. Body {"inputs": "text" | ["t1", ...], "normalize": true}; answer [[...], ...] (always a list).
'use strict';
const ort = require('onnxruntime-node');
const { Tokenizer, WordPiece, bertNormalizer, bertPreTokenizer, bertProcessing } = require('tokenizers');

// BERT uncased as all-MiniLM-L6-v2's tokenizer.json configures it, built from its vocab.txt.
async function loadTokenizer(vocabPath) {
  const model = await WordPiece.fromFile(vocabPath, { unkToken: '[UNK]', continuingSubwordPrefix: '##', maxInputCharsPerWord: 100 });
  const tokenizer = new Tokenizer(model);
  tokenizer.setNormalizer(bertNormalizer({ cleanText: true, handleChineseChars: true, stripAccents: true, lowercase: true }));
  tokenizer.setPreTokenizer(bertPreTokenizer());
  tokenizer.addSpecialTokens(['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]']);
  const id = (token) => {
    const value = tokenizer.tokenToId(token);
    if (value === null || value === undefined) throw new Error(`${vocabPath} has no ${token} token`);
    return value;
  };
  tokenizer.setPostProcessor(bertProcessing(['[SEP]', id('[SEP]')], ['[CLS]', id('[CLS]')]));
  tokenizer.setPadding({ padId: id('[PAD]'), padToken: '[PAD]' });   // pad to the longest text of the batch
  return tokenizer;
}

function parseRequest(body) {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new Error('The request body must be a JSON object.');
  const texts = typeof body.inputs === 'string' ? [body.inputs] : body.inputs;
  if (!Array.isArray(texts) || texts.some((t) => typeof t !== 'string')) throw new Error('`inputs` must be a string or an array of strings');
  if (texts.length === 0) throw new Error('`inputs` cannot be empty');
  return { texts, normalize: body.normalize !== false };
}

// Mean over the tokens whose mask is 1, then (optionally) x / max(|x|, 1e-12): sentence-transformers' pooling.
function pool(hidden, dims, mask, rows, sequence, normalize) {
  const [, , width] = dims;
  const vectors = [];
  for (let row = 0; row < rows; row++) {
    const sum = new Float64Array(width);
    let count = 0;
    for (let t = 0; t < sequence; t++) {
      if (mask[row * sequence + t] === 0n) continue;
      count++;
      const base = (row * sequence + t) * width;
      for (let d = 0; d < width; d++) sum[d] += hidden[base + d];
    }
    const vector = new Array(width);
    let norm = 0;
    for (let d = 0; d < width; d++) {
      vector[d] = sum[d] / Math.max(count, 1e-9);
      norm += vector[d] * vector[d];
    }
    if (normalize) {
      const scale = 1 / Math.max(Math.sqrt(norm), 1e-12);
      for (let d = 0; d < width; d++) vector[d] *= scale;
    }
    vectors.push(vector);
  }
  return vectors;
}

async function createEmbedder(session, vocabPath) {
  const tokenizer = await loadTokenizer(vocabPath);
  const hiddenName = session.outputNames.includes('last_hidden_state') ? 'last_hidden_state' : session.outputNames[0];
  return async function embed(body) {
    const { texts, normalize } = parseRequest(body);
    const encodings = await tokenizer.encodeBatch(texts);
    const rows = encodings.length;
    const sequence = encodings[0].getLength();
    const ids = new BigInt64Array(rows * sequence);
    const mask = new BigInt64Array(rows * sequence);
    const types = new BigInt64Array(rows * sequence);
    encodings.forEach((encoding, row) => {
      const at = row * sequence;
      encoding.getIds().forEach((v, i) => { ids[at + i] = BigInt(v); });
      encoding.getAttentionMask().forEach((v, i) => { mask[at + i] = BigInt(v); });
      encoding.getTypeIds().forEach((v, i) => { types[at + i] = BigInt(v); });
    });
    const shape = [rows, sequence];
    const feeds = {
      input_ids: new ort.Tensor('int64', ids, shape),
      attention_mask: new ort.Tensor('int64', mask, shape),
      token_type_ids: new ort.Tensor('int64', types, shape),
    };
    for (const name of Object.keys(feeds)) if (!session.inputNames.includes(name)) delete feeds[name];
    const results = await session.run(feeds, [hiddenName]);
    const hidden = results[hiddenName];
    return pool(hidden.data, hidden.dims, mask, rows, sequence, normalize);
  };
}

module.exports = { createEmbedder, loadTokenizer };
