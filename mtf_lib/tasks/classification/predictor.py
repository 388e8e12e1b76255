"""Classification predictor: raw texts → ``{"label", "probabilities": {label: p}}``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from mtf_lib.inference.predictor import Predictor
from mtf_lib.tasks.classification.features import examples, tokenize_texts
from mtf_lib.tasks.classification.infer import class_probabilities
from mtf_lib.tasks.classification.model_io import load_classification_bundle


class ClassificationPredictor(Predictor):
    def __init__(self, directory: Path, meta: dict[str, Any]) -> None:
        super().__init__(directory, meta)
        self.model, self.vocabs, _ = load_classification_bundle(directory)
        self._labels = self.vocabs["labels"].tokens
        self.tokenizer = meta["preprocess"]["tokenizer"]
        self.normalize = meta["preprocess"]["normalize"]
        self.max_len = meta["dataset"]["max_len"]

    @property
    def labels(self) -> list[str]:
        return self._labels

    def probabilities(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        """``[len(texts), n_labels]``; columns follow ``self.labels``. Texts go through the same
        normalisation, tokenizer and truncation as the training data."""
        normalized, tokens = tokenize_texts(texts, self.tokenizer, self.normalize, workers=1)
        inputs = examples(normalized, tokens, self.vocabs["tokens"], self.max_len)
        return class_probabilities(self.model, inputs, len(self.labels), batch_size)

    def classify(self, texts: list[str], batch_size: int = 64) -> list[str]:
        return [self.labels[i] for i in self.probabilities(texts, batch_size).argmax(1)]

    def predict(self, texts: list[str], *, batch_size: int = 64) -> list[dict[str, Any]]:
        return [
            {
                "label": self.labels[int(row.argmax())],
                "probabilities": {label: float(p) for label, p in zip(self.labels, row, strict=True)},
            }
            for row in self.probabilities(texts, batch_size)
        ]
