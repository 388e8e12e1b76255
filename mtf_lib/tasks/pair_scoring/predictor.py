"""Pair-scoring predictor: ``[{"a", "b" (a text or a list of references), "context"?, "group"?}]``
→ ``{"score"}`` on the target's scale, or ``{"label", "probabilities"}``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from mtf_lib.errors import InputError
from mtf_lib.inference.predictor import Predictor
from mtf_lib.tasks.pair_scoring.encode import PairEncoder
from mtf_lib.tasks.pair_scoring.encoded import EncodedPairs
from mtf_lib.tasks.pair_scoring.features import Tokenize
from mtf_lib.tasks.pair_scoring.infer import pair_outputs
from mtf_lib.tasks.pair_scoring.model_io import load_pair_bundle


@dataclass(frozen=True)
class PairInput:
    a: str
    refs: tuple[str, ...]
    context: str = ""
    group: str = ""

    @classmethod
    def of(cls, item: dict[str, Any], index: int) -> PairInput:
        b = item.get("b")
        refs = (b,) if isinstance(b, str) else tuple(b or ())
        a = item.get("a")
        if not isinstance(a, str):
            raise InputError(f"pair {index}: 'a' must be a text")  # may be blank: an answer left empty is graded
        if not refs or not all(isinstance(r, str) and r.strip() for r in refs):
            raise InputError(f"pair {index}: 'b' must be a non-empty text or a list of them")
        return cls(
            a.strip(), tuple(r.strip() for r in refs), (item.get("context") or "").strip(), item.get("group") or ""
        )


def as_request(record: dict[str, Any]) -> dict[str, Any]:
    """A preprocessed record as the Predictor's input (dev in training, test in evaluate)."""
    return {"a": record["a"], "b": record["refs"], "context": record["context"], "group": record["group"]}


class PairScoringPredictor(Predictor):
    def __init__(self, directory: Path, meta: dict[str, Any]) -> None:
        super().__init__(directory, meta)
        model, encoder, _ = load_pair_bundle(directory)
        self.use(model, encoder)

    def use(self, model: Any, encoder: PairEncoder) -> None:
        self.model, self.encoder = model, encoder
        self.tokenize = Tokenize(self.meta["preprocess"]["tokenizer"], self.meta["preprocess"]["normalize"])

    @property
    def labels(self) -> list[str]:
        """The labels (kind label); a score target has none."""
        return self.encoder.vocabs["labels"].tokens if self.encoder.kind == "label" else []

    @property
    def score_range(self) -> tuple[float, float] | None:
        return (self.encoder.low, self.encoder.high) if self.encoder.kind == "score" else None

    def prepare(self, items: list[dict[str, Any]]) -> EncodedPairs:
        """The model's inputs for ``items``: independent of the weights, so made once for many scorings."""
        records = [self.tokenize.record(PairInput.of(item, n)) for n, item in enumerate(items)]
        return self.encoder.encode(records, with_target=False)

    def outputs(self, items: list[dict[str, Any]] | EncodedPairs, batch_size: int = 64) -> np.ndarray:
        """The model's raw outputs: ``[N]`` uncalibrated [0, 1] units (kind score) or ``[N, K]``
        label probabilities."""
        pairs = items if isinstance(items, EncodedPairs) else self.prepare(items)
        return pair_outputs(self.model, pairs, self.encoder.kind, batch_size)

    def predict(self, items: list[dict[str, Any]] | EncodedPairs, *, batch_size: int = 64) -> list[dict[str, Any]]:
        """A group the model was not trained on counts as none (its overall behaviour)."""
        if not len(items):
            return []
        outputs = self.outputs(items, batch_size)
        if self.encoder.kind == "score":
            return [{"score": s} for s in self.encoder.scores_of(outputs)]
        labels = self.labels
        return [
            {
                "label": labels[int(row.argmax())],
                "probabilities": {label: float(p) for label, p in zip(labels, row, strict=True)},
            }
            for row in outputs
        ]
