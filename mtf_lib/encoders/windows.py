"""Texts through a pretrained model's own tokenizer, and the model's token vectors back onto the
texts' characters.

A text longer than the model's limit becomes the tokenizer's overflowing windows (``stride``
tokens shared by neighbours). Each character takes the vector of the first sub-token whose
offsets cover it, from the window where that token sits farthest from an edge; a character no
token covers (whitespace, a control character the tokenizer drops) takes none, and is tagged from
its neighbours. So every character gets exactly one output, whatever the vocabulary.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

NO_TOKEN = -1


@dataclass
class Windows:
    """The tokenizer's windows over a batch of texts.

    ``inputs``: the model inputs [W, T] (input_ids, attention_mask, token_type_ids where the
    model reads them); ``text_of`` [W]: the text each window belongs to; ``char_token`` [B, L]:
    the flat index (``window * T + position``) of the token each character takes, NO_TOKEN where
    none covers it."""

    inputs: dict[str, Any]
    text_of: np.ndarray
    char_token: np.ndarray


def tokenize(tokenizer: Any, texts: list[str], max_length: int, stride: int, width: int) -> Windows:
    """``texts`` as windows of at most ``max_length`` tokens (specials included); ``width``: the
    number of character columns of ``char_token``."""
    encoded = tokenizer(
        texts,
        truncation=True,
        max_length=max_length,
        stride=stride,
        return_overflowing_tokens=True,
        return_offsets_mapping=True,
        return_special_tokens_mask=True,
        padding=True,
        return_tensors="np",
    )
    text_of = np.asarray(encoded.pop("overflow_to_sample_mapping"), dtype=np.int64)
    offsets = encoded.pop("offset_mapping")
    special = encoded.pop("special_tokens_mask").astype(bool) | (encoded["attention_mask"] == 0)
    char_token = _char_tokens(offsets, special, text_of, len(texts), width)
    inputs = {k: v for k, v in encoded.items() if k in tokenizer.model_input_names}
    return Windows(inputs, text_of, char_token)


def _char_tokens(offsets: np.ndarray, special: np.ndarray, text_of: np.ndarray, texts: int, width: int) -> np.ndarray:
    windows, tokens = special.shape
    char_token = np.full((texts, width), NO_TOKEN, dtype=np.int64)
    best = np.full((texts, width), -1, dtype=np.int64)
    for w in range(windows):
        starts, ends = offsets[w, :, 0], offsets[w, :, 1]
        positions = np.nonzero(~special[w] & (ends > starts))[0]
        if not len(positions):
            continue
        # How far each token sits from its window's edges: a character's vector comes from the
        # window that saw most context on both sides of it.
        margin = np.minimum(positions - positions[0], positions[-1] - positions)
        spans = ends[positions] - starts[positions]
        chars = np.repeat(starts[positions] - np.cumsum(spans) + spans, spans) + np.arange(int(spans.sum()))
        owner = np.repeat(np.arange(len(positions)), spans)
        # The first sub-token covering a character is its token (np.unique keeps first indices).
        chars, first = np.unique(chars, return_index=True)
        owner = owner[first]
        inside = chars < width
        chars, owner = chars[inside], owner[inside]
        row = text_of[w]
        better = margin[owner] > best[row, chars]
        char_token[row, chars[better]] = w * tokens + positions[owner[better]]
        best[row, chars[better]] = margin[owner[better]]
    return char_token


def limit_of(tokenizer: Any, config: Any, sentence_limit: int | None) -> int:
    """The longest window (in tokens, specials included) the model takes: its positions (RoBERTa-
    style ids start after the padding index), the tokenizer's own limit, a sentence model's."""
    positions = config.max_position_embeddings
    if config.model_type in OFFSET_POSITIONS:
        positions -= (config.pad_token_id or 0) + 1
    limits = [positions, sentence_limit or positions]
    if 0 < tokenizer.model_max_length < 1_000_000:
        limits.append(tokenizer.model_max_length)
    return min(limits)


# Architectures whose position ids start after the padding index (RoBERTa's scheme).
OFFSET_POSITIONS = frozenset({"roberta", "xlm-roberta", "camembert", "longformer", "roberta-prelayernorm", "xmod"})
