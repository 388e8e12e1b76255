"""Build a classification model from settings and vocabularies; save and load its bundle."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mtf_lib import registry
from mtf_lib.data.vocab import Vocab
from mtf_lib.inference.bundle import load_model_bundle, save_model_bundle


def build_model(model_params: dict[str, Any], vocabs: dict[str, Vocab], meta: dict[str, Any]) -> Any:
    """``meta["label_counts"]``: train examples per class (for balanced class weights)."""
    return registry.models.build(model_params, vocabs, vocabs["labels"], meta["label_counts"])


def save_classification_bundle(directory: Path, model: Any, vocabs: dict[str, Vocab], meta: dict[str, Any]) -> Path:
    """``meta`` holds ``model`` (settings), ``preprocess``, ``dataset`` and ``label_counts``."""
    return save_model_bundle(directory, "classification", model, vocabs, meta)


def load_classification_bundle(directory: Path) -> tuple[Any, dict[str, Vocab], dict[str, Any]]:
    from mtf_lib.models.ensemble import Ensemble

    return load_model_bundle(directory, build_model, Ensemble)
