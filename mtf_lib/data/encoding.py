"""Ragged integer sequences stored as flat arrays + offsets in one ``.npz`` per split."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from mtf_lib.io import atomic_write


class RaggedArrays:
    """Named fields of variable-length int sequences that share one set of lengths."""

    def __init__(self, fields: dict[str, np.ndarray], offsets: np.ndarray) -> None:
        self.fields = fields
        self.offsets = offsets

    @classmethod
    def from_sequences(cls, fields: dict[str, Sequence[Sequence[int]]]) -> RaggedArrays:
        names = list(fields)
        lengths = [len(s) for s in fields[names[0]]]
        for name in names[1:]:
            if [len(s) for s in fields[name]] != lengths:
                raise ValueError(f"field {name!r} has sequence lengths that differ from {names[0]!r}")
        offsets = np.zeros(len(lengths) + 1, dtype=np.int64)
        np.cumsum(lengths, out=offsets[1:])
        flat = {
            n: np.fromiter((i for s in fields[n] for i in s), dtype=np.int32, count=int(offsets[-1])) for n in names
        }
        return cls(flat, offsets)

    def __len__(self) -> int:
        return len(self.offsets) - 1

    @property
    def lengths(self) -> np.ndarray:
        return np.diff(self.offsets)

    def get(self, name: str, index: int) -> np.ndarray:
        return self.fields[name][self.offsets[index] : self.offsets[index + 1]]

    def save(self, path: str | Path) -> None:
        """Write atomically: a killed run never leaves a truncated ``.npz``."""
        with atomic_write(path) as out:
            np.savez(out, __offsets__=self.offsets, **self.fields)

    @classmethod
    def load(cls, path: str | Path) -> RaggedArrays:
        with np.load(path) as data:
            offsets = data["__offsets__"]
            fields = {k: data[k] for k in data.files if k != "__offsets__"}
        return cls(fields, offsets)
