"""BERT uncased WordPiece tokenisation from a vocab.txt, for the PyTorch peer's /embed.

Debian bookworm packages neither `transformers` nor `tokenizers`, so this is the algorithm Hugging Face `tokenizers`
runs for all-MiniLM-L6-v2's tokenizer.json, written out with the standard library:
  1. BertNormalizer: drop NUL, U+FFFD and control/format characters (category C*) except \\t \\n \\r; whitespace -> space;
     spaces around CJK ideographs; lower-case; strip accents (NFD, drop Mn) -- both because `lowercase` is on;
  2. BertPreTokenizer: split on whitespace (dropped) and punctuation (each one its own word): ASCII non-alphanumerics
     and Unicode P* categories;
  3. WordPiece: greedy longest match with "##" continuations; a word over 100 characters, or with a rest no piece
     matches, is one [UNK];
  4. BertProcessing: [CLS] ... [SEP].

Usage as a check: python3 wordpiece.py VOCAB.txt < sentences.json > ids.json  (a JSON array of strings in, of id lists out).
"""
import json
import sys
import unicodedata

MAX_CHARS_PER_WORD = 100


def _is_control(ch):
    if ch in "\t\n\r":
        return False
    return unicodedata.category(ch).startswith("C")


def _is_whitespace(ch):
    return ch in " \t\n\r" or unicodedata.category(ch) == "Zs"


def _is_punctuation(ch):
    cp = ord(ch)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(ch).startswith("P")


def _is_cjk(cp):
    return (0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0x20000 <= cp <= 0x2A6DF or 0x2A700 <= cp <= 0x2B73F
            or 0x2B740 <= cp <= 0x2B81F or 0x2B820 <= cp <= 0x2CEAF or 0xF900 <= cp <= 0xFAFF or 0x2F800 <= cp <= 0x2FA1F)


class WordPieceTokenizer:
    def __init__(self, vocab_path):
        with open(vocab_path, encoding="utf-8") as f:
            tokens = f.read().split("\n")
        if tokens and tokens[-1] == "":
            tokens.pop()
        self.vocab = {token: index for index, token in enumerate(tokens)}
        for special in ("[PAD]", "[UNK]", "[CLS]", "[SEP]"):
            if special not in self.vocab:
                raise ValueError(f"{vocab_path} has no {special} token")
        self.pad_id, self.unk_id = self.vocab["[PAD]"], self.vocab["[UNK]"]
        self.cls_id, self.sep_id = self.vocab["[CLS]"], self.vocab["[SEP]"]

    def normalize(self, text):
        out = []
        for ch in text:
            cp = ord(ch)
            if cp == 0 or cp == 0xFFFD or _is_control(ch):
                continue
            if _is_whitespace(ch):
                out.append(" ")
            elif _is_cjk(cp):
                out.append(f" {ch} ")
            else:
                out.append(ch)
        text = "".join(out)
        text = unicodedata.normalize("NFD", text)
        text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
        return text.lower()

    @staticmethod
    def pre_tokenize(text):
        words, word = [], []
        for ch in text:
            if _is_whitespace(ch) or _is_punctuation(ch):
                if word:
                    words.append("".join(word))
                    word = []
                if not _is_whitespace(ch):
                    words.append(ch)
            else:
                word.append(ch)
        if word:
            words.append("".join(word))
        return words

    def word_piece(self, word):
        if len(word) > MAX_CHARS_PER_WORD:
            return [self.unk_id]
        ids, start = [], 0
        while start < len(word):
            end, found = len(word), None
            while start < end:
                piece = word[start:end] if start == 0 else "##" + word[start:end]
                found = self.vocab.get(piece)
                if found is not None:
                    break
                end -= 1
            if found is None:
                return [self.unk_id]
            ids.append(found)
            start = end
        return ids

    def encode(self, text):
        """[CLS] + word pieces + [SEP] (no truncation: callers send texts the model accepts)."""
        ids = [self.cls_id]
        for word in self.pre_tokenize(self.normalize(text)):
            ids.extend(self.word_piece(word))
        ids.append(self.sep_id)
        return ids


if __name__ == "__main__":
    tokenizer = WordPieceTokenizer(sys.argv[1])
    json.dump([tokenizer.encode(text) for text in json.load(sys.stdin)], sys.stdout)
