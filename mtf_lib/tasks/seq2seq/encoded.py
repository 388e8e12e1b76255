"""Encoded sentence pairs of one split: source and target piece ids, stored flat in one ``.npz``
(no pickle), and the batches the model trains on."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from mtf_lib.data.ragged import flatten, unflatten
from mtf_lib.io import atomic_write
from mtf_lib.text.subword import BOS, EOS, PAD


@dataclass
class EncodedParallel:
    """Indexable like a torch Dataset: item ``i`` is (source ids, target ids), without BOS/EOS."""

    source: list[np.ndarray]
    target: list[np.ndarray]

    def __len__(self) -> int:
        return len(self.source)

    def __getitem__(self, index: int) -> tuple[np.ndarray, np.ndarray]:
        return self.source[index], self.target[index]

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


def pad(rows: list[np.ndarray], before: int | None = None, after: int | None = None) -> np.ndarray:
    """Rows padded with PAD to the longest, with ``before`` / ``after`` tokens added to each."""
    extra = (before is not None) + (after is not None)
    out = np.full((len(rows), max((len(r) for r in rows), default=0) + extra), PAD, dtype=np.int64)
    for i, row in enumerate(rows):
        seq = [*([before] if before is not None else []), *row.tolist(), *([after] if after is not None else [])]
        out[i, : len(seq)] = seq
    return out


def collate(items: list[tuple[np.ndarray, np.ndarray]]) -> dict:
    """A training batch: ``source``, ``target_in`` (BOS + y) and ``target_out`` (y + EOS)."""
    import torch

    sources, targets = zip(*items, strict=True)
    return {
        "source": torch.from_numpy(pad(list(sources))),
        "target_in": torch.from_numpy(pad(list(targets), before=BOS)),
        "target_out": torch.from_numpy(pad(list(targets), after=EOS)),
    }
