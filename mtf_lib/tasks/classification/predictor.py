"""Classification predictor: raw texts → ``{"label", "probabilities": {label: p}}``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from mtf_lib.data.vocab import Vocab
from mtf_lib.inference.predictor import Predictor
from mtf_lib.tasks.classification.features import examples, tokenize_texts
from mtf_lib.tasks.classification.infer import class_probabilities
from mtf_lib.tasks.classification.model_io import load_classification_bundle


@dataclass(frozen=True)
class Texts:
    """Texts encoded for the model (``ClassificationPredictor.prepare``)."""

    inputs: list[dict[str, np.ndarray]]

    def __len__(self) -> int:
        return len(self.inputs)


class ClassificationPredictor(Predictor):
    def __init__(self, directory: Path, meta: dict[str, Any]) -> None:
        super().__init__(directory, meta)
        model, vocabs, _ = load_classification_bundle(directory)
        self.use(model, vocabs)

    def use(self, model: Any, vocabs: dict[str, Vocab]) -> None:
        self.model, self.vocabs = model, vocabs
        self._labels = vocabs["labels"].tokens
        self.tokenizer = self.meta["preprocess"]["tokenizer"]
        self.normalize = self.meta["preprocess"]["normalize"]
        self.max_len = self.meta["dataset"]["max_len"]

    @property
    def labels(self) -> list[str]:
        return self._labels

    def prepare(self, texts: list[str]) -> Texts:
        """The model's inputs for ``texts``, through the same normalisation, tokenizer and
        truncation as the training data; independent of the weights, so made once for many scorings."""
        normalized, tokens = tokenize_texts(texts, self.tokenizer, self.normalize, workers=1)
        return Texts(examples(normalized, tokens, self.vocabs["tokens"], self.max_len))

    def probabilities(self, texts: list[str] | Texts, batch_size: int = 64) -> np.ndarray:
        """``[len(texts), n_labels]``; columns follow ``self.labels``."""
        prepared = texts if isinstance(texts, Texts) else self.prepare(texts)
        return class_probabilities(self.model, prepared.inputs, len(self.labels), batch_size)

    def classify(self, texts: list[str] | Texts, batch_size: int = 64) -> list[str]:
        return [self.labels[i] for i in self.probabilities(texts, batch_size).argmax(1)]

    def predict(self, texts: list[str] | Texts, *, batch_size: int = 64) -> list[dict[str, Any]]:
        return [
            {
                "label": self.labels[int(row.argmax())],
                "probabilities": {label: float(p) for label, p in zip(self.labels, row, strict=True)},
            }
            for row in self.probabilities(texts, batch_size)
        ]
