"""Dataset stage: a token vocabulary from train, the label set from all splits, every split encoded."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from mtf_lib.data.encoding import RaggedArrays
from mtf_lib.data.vocab import Vocab, save_vocabs
from mtf_lib.io import atomic_write
from mtf_lib.layout import StagePaths
from mtf_lib.tasks.classification.features import examples
from mtf_lib.tasks.common import SPLITS, read_preprocessed


@dataclass
class EncodedSplit:
    """Per text: token ids (``<split>.npz``), code points (``<split>.chars.npz``: what a
    pretrained encoder reads) and a label id (``<split>.labels.npy``).

    Indexable like a torch Dataset: item ``i`` is ``{"tokens", "codepoints", "labels"}``.
    """

    tokens: RaggedArrays
    chars: RaggedArrays
    labels: np.ndarray

    def __len__(self) -> int:
        return len(self.labels)

    def __getitem__(self, index: int) -> dict[str, Any]:
        return {**self.inputs_of(index), "labels": int(self.labels[index])}

    def inputs_of(self, index: int) -> dict[str, np.ndarray]:
        return {"tokens": self.tokens.get("tokens", index), "codepoints": self.chars.get("codepoints", index)}

    def lengths(self) -> np.ndarray:
        return np.maximum(self.tokens.lengths, self.chars.lengths)

    def label_counts(self, n_labels: int) -> list[int]:
        return np.bincount(self.labels, minlength=n_labels).tolist()

    def save(self, directory: Path, split: str) -> None:
        self.tokens.save(directory / f"{split}.npz")
        self.chars.save(directory / f"{split}.chars.npz")
        with atomic_write(directory / f"{split}.labels.npy") as out:
            np.save(out, self.labels)

    @classmethod
    def load(cls, directory: Path, split: str) -> EncodedSplit:
        return cls(
            RaggedArrays.load(directory / f"{split}.npz"),
            RaggedArrays.load(directory / f"{split}.chars.npz"),
            np.load(directory / f"{split}.labels.npy"),
        )


def build_vocabs(train: list[dict], min_freq: int, other: list[dict] = ()) -> dict[str, Vocab]:
    """Tokens from ``train`` only; labels from every split, sorted.

    The label set is the inventory of the task, not learned content: a class missing from
    train still has to be scored (as missed) in dev and test.
    """
    tokens = Counter(token for record in train for token in record["tokens"])
    labels = sorted({record["label"] for record in [*train, *other]})
    return {"tokens": Vocab.build(tokens, min_freq), "labels": Vocab(labels, unknown=False)}


def encode_split(records: list[dict], vocabs: dict[str, Vocab], max_len: int) -> EncodedSplit:
    encoded = examples([r["text"] for r in records], [r["tokens"] for r in records], vocabs["tokens"], max_len)
    tokens = RaggedArrays.from_sequences({"tokens": [e["tokens"] for e in encoded]})
    chars = RaggedArrays.from_sequences({"codepoints": [e["codepoints"] for e in encoded]})
    labels = np.asarray(vocabs["labels"].ids(r["label"] for r in records), dtype=np.int64)
    return EncodedSplit(tokens, chars, labels)


def build_dataset(params: Any, paths: StagePaths) -> dict[str, int]:
    """Write ``<dataset>/vocab/*.json`` and the encoded splits; return the vocabulary sizes."""
    in_dir, out_dir, params = paths.preprocessed, paths.dataset, params.dataset
    records = {split: read_preprocessed(in_dir / f"{split}.jsonl") for split in SPLITS}
    vocabs = build_vocabs(records["train"], params.min_freq, records["dev"] + records["test"])
    save_vocabs(vocabs, out_dir / "vocab")
    for split in SPLITS:
        encode_split(records[split], vocabs, params.max_len).save(out_dir, split)
    return {name: len(v) for name, v in vocabs.items()}
