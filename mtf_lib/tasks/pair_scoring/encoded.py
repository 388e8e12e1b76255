"""Encoded pairs of one split: ids, code points and overlap features of each pair and its
references, its group and target, stored flat in one ``.npz`` (no pickle)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from mtf_lib.data.ragged import flatten, unflatten
from mtf_lib.io import atomic_write

TEXT_FIELDS = ("a", "a_codepoints", "context")  # one sequence per pair
REF_FIELDS = ("refs", "refs_codepoints")  # one sequence per reference


@dataclass
class EncodedPairs:
    """Indexable like a torch Dataset: item ``i`` is what ``features.collate`` pads."""

    texts: dict[str, list[np.ndarray]]  # TEXT_FIELDS: per pair
    refs: dict[str, list[list[np.ndarray]]]  # REF_FIELDS: per pair, per reference
    features: list[np.ndarray]  # per pair: [references, F] float32
    group: np.ndarray  # [N] int64 (0: none or unknown)
    target: np.ndarray | None  # [N]: float32 scores on [0, 1], or int64 label ids; None: unlabelled
    target_field: str = "score"  # the batch field the target goes to: "score" or "labels"

    def __len__(self) -> int:
        return len(self.group)

    def __getitem__(self, index: int) -> dict[str, Any]:
        item: dict[str, Any] = {name: seqs[index] for name, seqs in self.texts.items()}
        item |= {name: seqs[index] for name, seqs in self.refs.items()}
        item["features"], item["group"] = self.features[index], int(self.group[index])
        if self.target is not None:
            item[self.target_field] = self.target[index]
        return item

    def lengths(self) -> np.ndarray:
        """Per pair, its text's and its longest reference's lengths together (for bucketing)."""
        longest = [max(len(r) for r in refs) for refs in self.refs["refs"]]
        return np.asarray([len(a) for a in self.texts["a"]], np.int64) + np.asarray(longest, np.int64)

    def save(self, path: Path) -> None:
        arrays: dict[str, np.ndarray] = {"group": self.group}
        for name, seqs in self.texts.items():
            arrays[name], arrays[f"{name}.offsets"] = flatten(seqs)
        counts = np.asarray([len(r) for r in self.refs["refs"]], np.int64)
        arrays["ref_counts"] = counts
        for name, per_pair in self.refs.items():
            arrays[name], arrays[f"{name}.offsets"] = flatten([r for refs in per_pair for r in refs])
        arrays["features"] = np.concatenate(self.features).astype(np.float32) if self.features else np.zeros((0, 0))
        if self.target is not None:
            arrays[f"target.{self.target_field}"] = self.target
        with atomic_write(path) as out:
            np.savez(out, **arrays)

    @classmethod
    def load(cls, path: Path) -> EncodedPairs:
        data = np.load(path)
        texts = {name: unflatten(data[name], data[f"{name}.offsets"]) for name in TEXT_FIELDS}
        bounds = np.concatenate([[0], np.cumsum(data["ref_counts"])])
        refs = {}
        for name in REF_FIELDS:
            flat = unflatten(data[name], data[f"{name}.offsets"])
            refs[name] = [flat[bounds[i] : bounds[i + 1]] for i in range(len(bounds) - 1)]
        features = [data["features"][bounds[i] : bounds[i + 1]] for i in range(len(bounds) - 1)]
        target_key = next((k for k in data.files if k.startswith("target.")), None)
        target = data[target_key] if target_key else None
        field = target_key.split(".", 1)[1] if target_key else "score"
        return cls(texts, refs, features, data["group"], target, field)
