"""Texts → tokens → ids, and padding of id sequences into batches (shared by training and the Predictor)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import Any

import numpy as np

from mtf_lib import registry
from mtf_lib.data.padding import pad_batch
from mtf_lib.data.parallel import chunked_map
from mtf_lib.data.vocab import Vocab
from mtf_lib.text.normalize import normalize_text
from mtf_lib.text.tokenizers import Tokenizer

_TOKENIZERS: dict[str, Tokenizer] = {}


def _tokenizer(name: str) -> Tokenizer:
    if name not in _TOKENIZERS:
        _TOKENIZERS[name] = registry.tokenizers.get(name)()
    return _TOKENIZERS[name]


def _tokenize_chunk(name: str, texts: list[str]) -> list[list[str]]:
    tokenize = _tokenizer(name)
    # Whitespace tokens carry nothing a classifier can use; jieba and char.v1 both emit them.
    return [[t for t in tokenize(text) if t.strip()] for text in texts]


def tokenize_texts(
    texts: Sequence[str], tokenizer: str, normalize: bool, workers: int = 0
) -> tuple[list[str], list[list[str]]]:
    """(normalised) texts and their tokens from the registered ``tokenizer``; identical for any ``workers``."""
    texts = [normalize_text(t) for t in texts] if normalize else list(texts)
    load_tokenizer(tokenizer)
    return texts, chunked_map(partial(_tokenize_chunk, tokenizer), texts, workers)


def load_tokenizer(name: str) -> None:
    """Load the registered tokenizer's resources (jieba's dictionary) in this process: workers
    forked after it inherit them instead of each loading its own copy."""
    _tokenizer(name)("预热")


def encode(tokens: Sequence[str], vocab: Vocab, max_len: int) -> np.ndarray:
    return np.asarray(vocab.ids(tokens[:max_len]), dtype=np.int64)


def codepoints(text: str, max_len: int) -> np.ndarray:
    """The first ``max_len`` characters' code points: what a pretrained encoder reads (its own pieces)."""
    return np.asarray([ord(c) for c in text[:max_len]], dtype=np.int64)


def examples(texts: Sequence[str], tokens: Sequence[Sequence[str]], vocab: Vocab, max_len: int) -> list[dict]:
    """The model inputs of each text: token ids and code points."""
    return [
        {"tokens": encode(t, vocab, max_len), "codepoints": codepoints(text, max_len)}
        for text, t in zip(texts, tokens, strict=True)
    ]


def collate(examples: Sequence[dict[str, Any]]) -> dict:
    """Pad ``tokens`` into ``[B, L]`` with a bool ``mask`` (``pad_batch``); ``labels`` [B] when the
    examples have them."""
    return pad_batch(examples, "tokens")
