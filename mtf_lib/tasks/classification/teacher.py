"""Teacher stage of a classification task: a trained classifier's class probabilities, softened
to ``distill.temperature``, on the train split."""

from __future__ import annotations

from typing import Any

import numpy as np

from mtf_lib.distill.teacher import run_teacher
from mtf_lib.stage import StagePaths


def tempered(probabilities: np.ndarray, temperature: float) -> np.ndarray:
    """softmax(log p / T): the distribution the logits divided by T would give."""
    logits = np.log(np.clip(probabilities, 1e-12, None)) / temperature
    logits -= logits.max(-1, keepdims=True)
    exp = np.exp(logits)
    return exp / exp.sum(-1, keepdims=True)


def teacher(params: Any, paths: StagePaths) -> dict[str, Any]:
    def targets(predictor: Any, texts: list[str], temperature: float) -> tuple[list, list[str]]:
        probabilities = tempered(predictor.probabilities(texts), temperature)
        return [row[None, :] for row in probabilities], list(predictor.labels)

    return run_teacher(params, paths, targets, lambda record: record["label"])
