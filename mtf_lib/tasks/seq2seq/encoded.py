"""Encoded sentence pairs of one split (source and target piece ids, a memory-mapped Arrow file
the dataset stage writes) and the batches the model trains on."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from mtf_lib.data.padding import pad_batch
from mtf_lib.text.subword import BOS, EOS

FIELDS = {"source": ("ragged", "int32"), "target": ("ragged", "int32")}


class EncodedParallel:
    """Indexable like a torch Dataset: item ``i`` is what the model trains on, ``source``,
    ``target_in`` (BOS + y) and ``target_out`` (y + EOS)."""

    def __init__(self, split: Any) -> None:
        self.split = split  # a ``shards.Split`` with ``FIELDS``

    @classmethod
    def load(cls, path: Path) -> EncodedParallel:
        from mtf_lib.data.shards import Split

        return cls(Split(path))

    def __len__(self) -> int:
        return len(self.split)

    def __getitem__(self, index: int) -> dict[str, np.ndarray]:
        pair = self.split[index]
        target = pair["target"]
        return {
            "source": pair["source"],
            "target_in": np.concatenate([[BOS], target]).astype(np.int64),
            "target_out": np.concatenate([target, [EOS]]).astype(np.int64),
        }

    def lengths(self) -> np.ndarray:
        """Tokens per example as batched: the longer of the source and the target with EOS."""
        return np.maximum(self.split.lengths("source"), self.split.lengths("target") + 1)


def collate(items: list[dict[str, np.ndarray]]) -> dict:
    """A training batch, each field padded with PAD (0) to its longest (the shared collate)."""
    return pad_batch(items, "source")
