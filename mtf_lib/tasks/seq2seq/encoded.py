"""Encoded sentence pairs of one split: source and target piece ids, stored flat in one ``.npz``
(no pickle), and the batches the model trains on."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from mtf_lib.data.padding import pad_batch
from mtf_lib.data.ragged import flatten, unflatten
from mtf_lib.io import atomic_write
from mtf_lib.text.subword import BOS, EOS


@dataclass
class EncodedParallel:
    """Indexable like a torch Dataset: item ``i`` is what the model trains on, ``source``,
    ``target_in`` (BOS + y) and ``target_out`` (y + EOS); ``source``/``target`` hold the ids alone."""

    source: list[np.ndarray]
    target: list[np.ndarray]

    def __len__(self) -> int:
        return len(self.source)

    def __getitem__(self, index: int) -> dict[str, np.ndarray]:
        target = self.target[index]
        return {
            "source": self.source[index],
            "target_in": np.concatenate([[BOS], target]).astype(np.int64),
            "target_out": np.concatenate([target, [EOS]]).astype(np.int64),
        }

    def lengths(self) -> list[int]:
        """Tokens per example as batched: the longer of the source and the target with EOS."""
        return [max(len(s), len(t) + 1) for s, t in zip(self.source, self.target, strict=True)]

    def save(self, path: Path) -> None:
        arrays = {}
        for name, seqs in (("source", self.source), ("target", self.target)):
            arrays[name], arrays[f"{name}.offsets"] = flatten(seqs)
        with atomic_write(Path(path)) as handle:
            np.savez(handle, **arrays)

    @classmethod
    def load(cls, path: Path) -> EncodedParallel:
        with np.load(path, allow_pickle=False) as data:
            return cls(*(unflatten(data[n], data[f"{n}.offsets"]) for n in ("source", "target")))


def collate(items: list[dict[str, np.ndarray]]) -> dict:
    """A training batch, each field padded with PAD (0) to its longest (the shared collate)."""
    return pad_batch(items, "source")
