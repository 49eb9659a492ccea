// Tokenises sentences with Hugging Face `tokenizers` (the Rust library Text Embeddings Inference uses), configured
// exactly as all-MiniLM-L6-v2's and arctic-embed-xs's tokenizer.json are: BertNormalizer (clean text, CJK split,
// accents stripped because lowercase, lowercase), BertPreTokenizer, WordPiece (## prefix, 100 chars per word),
// BertProcessing ([CLS] ... [SEP]). No truncation: callers truncate.
//
// usage: node hf-tokenize.mjs VOCAB.txt < sentences.json > ids.json   (stdin: JSON array of strings)
import { readFileSync } from 'node:fs';
import { Tokenizer } from 'tokenizers';

const lines = readFileSync(process.argv[2], 'utf8').split(/\r?\n/);
if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
const vocab = {};
lines.forEach((token, id) => { vocab[token] = id; });

const config = {
  version: '1.0',
  truncation: null,
  padding: null,
  added_tokens: ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'].map(t => ({
    id: vocab[t], content: t, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true,
  })),
  normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
  pre_tokenizer: { type: 'BertPreTokenizer' },
  post_processor: { type: 'BertProcessing', sep: ['[SEP]', vocab['[SEP]']], cls: ['[CLS]', vocab['[CLS]']] },
  decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
  model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab },
};

const tokenizer = Tokenizer.fromString(JSON.stringify(config));
const sentences = JSON.parse(readFileSync(0, 'utf8'));
const out = [];
for (const s of sentences) {
  const e = await tokenizer.encode(s);
  out.push({ ids: e.getIds(), offsets: e.getOffsets() });
}
process.stdout.write(JSON.stringify(out));
