"""Preprocessed pair records → ``EncodedPairs`` (the dataset stage, and the Predictor for
requests): ids, code points, overlap features, group ids and targets."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from mtf_lib.data.vocab import Vocab
from mtf_lib.tasks.pair_scoring.encoded import EncodedPairs, columns
from mtf_lib.tasks.pair_scoring.features import codepoints, token_ids

OVERLAP_DIR = "overlap"  # the fitted overlap features, in the dataset folder and the bundle


@dataclass(frozen=True)
class PairEncoder:
    """What encoding a pair and reading a model's output need: the vocabularies (``tokens``,
    ``groups``, and ``labels`` for a label target), the fitted overlap features (None: the pairs
    get none), the target's range (``low``/``high``, kind score), ``max_len``, and the linear
    calibration of the model's outputs (``slope``, ``intercept``: fitted on dev after training,
    since a ranking loss leaves the outputs' scale free)."""

    vocabs: dict[str, Vocab]
    overlap: Any
    kind: str
    low: float
    high: float
    max_len: int
    slope: float = 1.0
    intercept: float = 0.0

    def target_of(self, value: Any) -> Any:
        if self.kind == "label":
            return self.vocabs["labels"].id(value)
        return (float(value) - self.low) / (self.high - self.low)

    def score_of(self, unit: float) -> float:
        """A model's output (calibrated to [0, 1]) back on the target's scale, clipped to its range."""
        unit = self.slope * unit + self.intercept
        return float(np.clip(self.low + unit * (self.high - self.low), self.low, self.high))

    def scores_of(self, units: np.ndarray) -> list[float]:
        return [self.score_of(float(u)) for u in units]

    def encode(self, records: list[dict[str, Any]], with_target: bool = True) -> EncodedPairs:
        """The records encoded in memory (a request's pairs)."""
        return EncodedPairs.in_memory(self.target_field if with_target else None, self.columns(records, with_target))

    @property
    def target_field(self) -> str:
        return "labels" if self.kind == "label" else "score"

    def columns(self, records: list[dict[str, Any]], with_target: bool = True) -> dict[str, list]:
        """The records as the stored fields of ``encoded.fields`` (a chunk the dataset stage writes)."""
        tokens, n = self.vocabs["tokens"], self.max_len
        texts = {
            "a": [token_ids(r["a_tokens"], tokens, n) for r in records],
            "a_codepoints": [codepoints(r["a"], n) for r in records],
            "context": [token_ids(r["context_tokens"], tokens, n) for r in records],
        }
        refs = {
            "refs": [[token_ids(t, tokens, n) for t in r["refs_tokens"]] for r in records],
            "refs_codepoints": [[codepoints(t, n) for t in r["refs"]] for r in records],
        }
        group = [self.vocabs["groups"].id(r["group"]) if r["group"] else 0 for r in records]
        target = (self.target_field, [self.target_of(r["target"]) for r in records]) if with_target else None
        return columns(texts, refs, self.features(records), group, target)

    def features(self, records: list[dict[str, Any]]) -> list[np.ndarray]:
        """Per pair, ``[references, F]`` overlap features of (a, each reference)."""
        if self.overlap is None:
            return [np.zeros((len(r["refs"]), 0), np.float32) for r in records]
        return [f.astype(np.float32) for f in self.overlap.transform_examples(records)]
