"""Turn a (normalised) sentence into the id sequences a tagger reads; collate them into batches."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from mtf_lib.data.padding import pad_batch
from mtf_lib.data.vocab import Vocab

if TYPE_CHECKING:
    from mtf_lib.data.shards import Split

BOS, EOS = "<s>", "</s>"
# An encoded sentence as the dataset stage stores it (``mtf_lib.data.shards``): one id per character.
FIELDS = {
    name: ("ragged", "int32")
    for name in ("chars", "bigrams_left", "bigrams_right", "softwords", "lexicon", "codepoints", "labels")
}


def char_bigrams(chars: Sequence[str]) -> tuple[list[str], list[str]]:
    """Left (c[i-1]c[i]) and right (c[i]c[i+1]) bigrams of every character."""
    padded = [BOS, *chars, EOS]
    left = [padded[i] + padded[i + 1] for i in range(len(chars))]
    right = [padded[i + 1] + padded[i + 2] for i in range(len(chars))]
    return left, right


def encode(text: str, softwords: str, lexicon: str, vocabs: dict[str, Vocab]) -> dict[str, list[int]]:
    """Per-char ids of one sentence: chars, left and right bigrams, soft-word positions, lexicon
    masks (an empty feature string is all padding: the feature is switched off) and the
    characters' code points (what a pretrained encoder reads, through its own vocabulary)."""
    chars = list(text)
    left, right = char_bigrams(chars)
    return {
        "chars": vocabs["chars"].ids(chars),
        "bigrams_left": vocabs["bigrams"].ids(left),
        "bigrams_right": vocabs["bigrams"].ids(right),
        "softwords": vocabs["softwords"].ids(softwords) if softwords else [0] * len(chars),
        "lexicon": vocabs["lexicon"].ids(lexicon) if lexicon else [0] * len(chars),
        "codepoints": [ord(c) for c in chars],
    }


def collate(examples: Sequence[dict[str, np.ndarray]]) -> dict:
    """Pad per-sentence arrays into a batch (``pad_batch``); ``bigrams`` stacks the left and right
    bigram ids as ``[B, L, 2]``."""
    import torch

    batch = pad_batch(examples, "chars")
    if "bigrams_left" in batch:
        batch["bigrams"] = torch.stack([batch.pop("bigrams_left"), batch.pop("bigrams_right")], dim=-1)
    return batch


def encode_split(records: list[dict], vocabs: dict[str, Vocab]) -> Split:
    """Preprocessed records (text, tags, softwords, lexicon) as the train stage reads them, in
    memory, one sentence at a time (silver data; the dataset stage encodes whole splits with numpy)."""
    from mtf_lib.data.shards import Split  # here: predicting (features' other use) needs no arrays

    fields: dict[str, list[list[int]]] = {name: [] for name in FIELDS}
    labels = vocabs["labels"]
    for record in records:
        ids = encode(record["text"], record["softwords"], record["lexicon"], vocabs)
        ids["labels"] = labels.ids(record["tags"])
        for name, seq in ids.items():
            fields[name].append(seq)
    return Split.in_memory(FIELDS, fields)
