"""Encoded pairs of one split: ids, code points and overlap features of each pair and its
references, its group and target. The dataset stage writes them to a memory-mapped Arrow file
(``mtf_lib.data.shards``); the Predictor holds a request's pairs the same way in memory.

A pair's references are stored concatenated, with their lengths beside them, and its overlap
features ``[references, F]`` row-major: every field is one sequence or one value per pair.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

TEXT_FIELDS = ("a", "a_codepoints", "context")  # one sequence per pair
REF_FIELDS = ("refs", "refs_codepoints")  # one sequence per reference
TARGET_DTYPES = {"score": "float32", "labels": "int64"}  # the batch field a target goes to


def fields(target_field: str | None) -> dict[str, tuple[str, str]]:
    """The stored fields; ``target_field`` None: unlabelled pairs (requests)."""
    spec = {name: ("ragged", "int32") for name in TEXT_FIELDS}
    for name in REF_FIELDS:
        spec[name] = ("ragged", "int32")
        spec[f"{name}_lengths"] = ("ragged", "int32")
    spec["features"] = ("ragged", "float32")
    spec["group"] = ("scalar", "int64")
    if target_field is not None:
        spec[target_field] = ("scalar", TARGET_DTYPES[target_field])
    return spec


def columns(
    texts: dict[str, list[np.ndarray]],
    refs: dict[str, list[list[np.ndarray]]],
    features: list[np.ndarray],
    group: Sequence[int],
    target: tuple[str, Sequence[Any]] | None,
) -> dict[str, list]:
    """Pairs as ``fields``: ``refs[name][i]`` the references of pair i, ``features[i]`` its
    ``[references, F]`` matrix, ``target`` (field, values) or None."""
    out: dict[str, list] = dict(texts)
    for name, per_pair in refs.items():
        out[name] = [np.concatenate(r) if r else np.zeros(0, np.int32) for r in per_pair]
        out[f"{name}_lengths"] = [[len(x) for x in r] for r in per_pair]
    out["features"] = [np.asarray(f, np.float32).reshape(-1) for f in features]
    out["group"] = list(group)
    if target is not None:
        out[target[0]] = list(target[1])
    return out


class EncodedPairs:
    """Indexable like a torch Dataset: item ``i`` is what ``features.collate`` pads."""

    def __init__(self, split: Any) -> None:
        self.split = split  # a ``shards.Split`` with ``fields(...)``
        self.target_field = next((f for f in TARGET_DTYPES if f in split.fields), None)

    @classmethod
    def load(cls, path: Path) -> EncodedPairs:
        from mtf_lib.data.shards import Split

        return cls(Split(path))

    @classmethod
    def in_memory(cls, target_field: str | None, pairs: dict[str, list]) -> EncodedPairs:
        from mtf_lib.data.shards import Split

        return cls(Split.in_memory(fields(target_field), pairs))

    def __len__(self) -> int:
        return len(self.split)

    def __getitem__(self, index: int) -> dict[str, Any]:
        row = self.split[index]
        item: dict[str, Any] = {name: row[name] for name in TEXT_FIELDS}
        for name in REF_FIELDS:
            item[name] = np.split(row[name], np.cumsum(row[f"{name}_lengths"])[:-1])
        references = len(row["refs_lengths"])
        item["features"] = row["features"].reshape(references, -1 if references else 0)
        item["group"] = row["group"]
        if self.target_field is not None:
            item[self.target_field] = row[self.target_field]
        return item

    @property
    def n_features(self) -> int:
        """Overlap features per reference (0 when the pairs have none)."""
        return self[0]["features"].shape[-1] if len(self) else 0

    def lengths(self) -> np.ndarray:
        """Per pair, its text's and its longest reference's lengths together (for bucketing)."""
        longest = np.asarray([int(self.split.get("refs_lengths", i).max(initial=0)) for i in range(len(self))])
        return self.split.lengths("a").astype(np.int64) + longest.astype(np.int64)
