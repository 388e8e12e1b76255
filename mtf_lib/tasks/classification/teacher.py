"""Teacher stage of a classification task: a trained classifier's class probabilities, softened
to ``distill.temperature``, on the train split and on ``distill.unlabeled``'s sentences."""

from __future__ import annotations

from typing import Any

import numpy as np

from mtf_lib.distill.teacher import TeacherTask, run_teacher
from mtf_lib.layout import StagePaths
from mtf_lib.tasks.classification.features import tokenize_texts


def tempered(probabilities: np.ndarray, temperature: float) -> np.ndarray:
    """softmax(log p / T): the distribution the logits divided by T would give."""
    logits = np.log(np.clip(probabilities, 1e-12, None)) / temperature
    logits -= logits.max(-1, keepdims=True)
    exp = np.exp(logits)
    return exp / exp.sum(-1, keepdims=True)


def _targets(predictor: Any, texts: list[str], temperature: float) -> tuple[list, list[str]]:
    probabilities = tempered(predictor.probabilities(texts), temperature)
    return [row[None, :] for row in probabilities], list(predictor.labels)


def _records(texts: list[str], params: Any) -> list[dict]:
    texts, tokens = tokenize_texts(texts, params.tokenizer, params.normalize, params.workers)
    return [{"text": text, "tokens": text_tokens} for text, text_tokens in zip(texts, tokens, strict=True)]


CLASSIFICATION_TEACHER = TeacherTask(
    targets=_targets,
    gold=lambda record: record["label"],
    records=_records,
    silver=lambda record, labels: {**record, "label": labels[0]},
)


def teacher(params: Any, paths: StagePaths) -> dict[str, Any]:
    return run_teacher(params, paths, CLASSIFICATION_TEACHER)
