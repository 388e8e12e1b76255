"""The teacher stage's output: per example, a probability vector (classification) or one per
character (tagging), in the student's label order, at ``distill.temperature``."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from mtf_lib.io import atomic_write, write_json

PROBS_FILE = "soft_targets.npz"
META_FILE = "soft_targets.json"


@dataclass
class SoftTargets:
    """``probs`` ``[rows, K]`` (float16: a probability needs no more); example ``i`` owns rows
    ``offsets[i]:offsets[i + 1]`` (one row for classification, one per character for tagging)."""

    probs: np.ndarray
    offsets: np.ndarray
    labels: list[str]
    temperature: float

    @classmethod
    def from_rows(cls, rows: list[np.ndarray], labels: list[str], temperature: float) -> SoftTargets:
        lengths = [len(r) for r in rows]
        offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
        probs = np.concatenate(rows).astype(np.float16) if rows else np.zeros((0, len(labels)), np.float16)
        return cls(probs, offsets, labels, temperature)

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def get(self, index: int) -> np.ndarray:
        return self.probs[self.offsets[index] : self.offsets[index + 1]].astype(np.float32)

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        with atomic_write(directory / PROBS_FILE) as out:
            np.savez(out, probs=self.probs, offsets=self.offsets)
        write_json(directory / META_FILE, {"labels": self.labels, "temperature": self.temperature})

    @classmethod
    def load(cls, directory: Path) -> SoftTargets:
        from mtf_lib.errors import InputError

        if not (directory / PROBS_FILE).is_file():
            raise InputError(f"{directory / PROBS_FILE} not found: run the teacher stage first (dvc repro)")
        arrays = np.load(directory / PROBS_FILE)
        meta = json.loads((directory / META_FILE).read_text(encoding="utf-8"))
        return cls(arrays["probs"], arrays["offsets"], meta["labels"], meta["temperature"])


def in_label_order(probs: np.ndarray, teacher: list[str], student: list[str]) -> np.ndarray:
    """``probs`` (columns in the teacher's label order) with columns in the student's; a label the
    teacher lacks gets 0, and every row is renormalised over the labels the student has."""
    column = {label: n for n, label in enumerate(teacher)}
    out = np.zeros((*probs.shape[:-1], len(student)), dtype=np.float32)
    for n, label in enumerate(student):
        if label in column:
            out[..., n] = probs[..., column[label]]
    total = out.sum(-1, keepdims=True)
    return np.divide(out, total, out=np.full_like(out, 1 / len(student)), where=total > 0)


class WithSoftTargets:
    """A train split, followed by ``extra`` (the teacher's unlabeled sentences, if any), whose
    items also carry the teacher's soft targets (field ``soft``: a row per character, or with
    ``one_row`` (classification) the example's one vector) and ``gold`` (1 for the train
    split's, 0 for ``extra``'s: their labels are the teacher's, not gold)."""

    def __init__(
        self, examples: Any, targets: SoftTargets, labels: list[str], one_row: bool = False, extra: Any = None
    ) -> None:
        from mtf_lib.errors import InputError

        self.parts = [examples] if extra is None else [examples, extra]
        total = sum(len(part) for part in self.parts)
        if len(targets) != total:
            raise InputError(
                f"the teacher's soft targets cover {len(targets)} examples, the train split and unlabeled "
                f"sentences have {total}: run the teacher stage again (dvc repro)"
            )
        if targets.labels != list(labels):
            raise InputError("the teacher's soft targets are in another label order: run the teacher stage again")
        self.targets, self.one_row, self.gold_count = targets, one_row, len(examples)

    def __len__(self) -> int:
        return len(self.targets)

    def __getitem__(self, index: int) -> dict[str, Any]:
        soft = self.targets.get(index)
        gold = index < self.gold_count
        item = self.parts[0][index] if gold else self.parts[1][index - self.gold_count]
        return {**item, "soft": soft[0] if self.one_row else soft, "gold": int(gold)}
