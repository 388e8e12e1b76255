"""Dataset stage: a token vocabulary from train's streamed counts, the label set from all splits,
every split encoded chunk by chunk into a memory-mapped Arrow file (``mtf_lib.data.shards``)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

from mtf_lib.data.shards import SUFFIX, Split, SplitWriter
from mtf_lib.data.vocab import Vocab, save_vocabs
from mtf_lib.layout import StagePaths
from mtf_lib.tasks.classification.features import examples
from mtf_lib.tasks.common import SPLITS, preprocessed_chunks

CHUNK = 20_000  # texts per chunk: memory stays flat whatever the split's size
# Per text: token ids, code points (what a pretrained encoder reads: its own pieces), a label id.
FIELDS = {"tokens": ("ragged", "int32"), "codepoints": ("ragged", "int32"), "labels": ("scalar", "int64")}


def build_vocabs(paths: StagePaths, min_freq: int) -> dict[str, Vocab]:
    """Tokens from train only; labels from every split, sorted.

    The label set is the inventory of the task, not learned content: a class missing from
    train still has to be scored (as missed) in dev and test.
    """
    tokens: Counter[str] = Counter()
    labels: set[str] = set()
    for split in SPLITS:
        for chunk in preprocessed_chunks(paths.preprocessed / f"{split}.jsonl", CHUNK):
            if split == "train":
                tokens.update(token for record in chunk for token in record["tokens"])
            labels.update(record["label"] for record in chunk)
    return {"tokens": Vocab.build(tokens, min_freq), "labels": Vocab(sorted(labels), unknown=False)}


def encode_chunk(records: list[dict], vocabs: dict[str, Vocab], max_len: int) -> dict[str, list]:
    """A chunk of preprocessed records as ``FIELDS``."""
    encoded = examples([r["text"] for r in records], [r["tokens"] for r in records], vocabs["tokens"], max_len)
    return {
        "tokens": [e["tokens"] for e in encoded],
        "codepoints": [e["codepoints"] for e in encoded],
        "labels": vocabs["labels"].ids(r["label"] for r in records),
    }


def encode_split(records: list[dict], vocabs: dict[str, Vocab], max_len: int) -> Split:
    """Records encoded in memory (silver data made during training)."""
    return Split.in_memory(FIELDS, encode_chunk(records, vocabs, max_len))


def load_split(directory: Path, split: str) -> Split:
    return Split(directory / f"{split}{SUFFIX}")


def text_lengths(split: Split) -> np.ndarray:
    """Each text's length for bucketing: the longer of its tokens and its characters."""
    return np.maximum(split.lengths("tokens"), split.lengths("codepoints"))


def build_dataset(params: Any, paths: StagePaths) -> dict[str, int]:
    """Write ``<dataset>/vocab/*.json`` and each split to ``<dataset>/<split>.arrow``, a chunk of
    texts at a time; return the vocabulary sizes."""
    vocabs = build_vocabs(paths, params.dataset.min_freq)
    save_vocabs(vocabs, paths.dataset / "vocab")
    for split in SPLITS:
        with SplitWriter(paths.dataset / f"{split}{SUFFIX}", FIELDS) as out:
            for chunk in preprocessed_chunks(paths.preprocessed / f"{split}.jsonl", CHUNK):
                out.write(encode_chunk(chunk, vocabs, params.dataset.max_len))
    return {name: len(v) for name, v in vocabs.items()}
