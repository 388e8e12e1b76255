"""Build a classification model from settings and vocabularies; save and load its bundle."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from mtf_lib.config import build_component, for_loading
from mtf_lib.data.vocab import Vocab
from mtf_lib.inference.bundle import load_bundle_parts, save_model_bundle


def build_model(model_params: dict[str, Any], vocabs: dict[str, Vocab], label_counts: Sequence[int] | None) -> Any:
    return build_component("model", model_params, vocabs, vocabs["labels"], label_counts)


def save_classification_bundle(directory: Path, model: Any, vocabs: dict[str, Vocab], meta: dict[str, Any]) -> Path:
    """``meta`` holds ``model`` (settings), ``preprocess``, ``dataset`` and ``label_counts``."""
    return save_model_bundle(directory, "classification", model, vocabs, meta)


def load_classification_bundle(directory: Path) -> tuple[Any, dict[str, Vocab], dict[str, Any]]:
    meta, vocabs, state = load_bundle_parts(directory)
    model = build_model(for_loading("model", meta["model"]), vocabs, meta["label_counts"])
    model.load_state_dict(state)
    model.eval()
    return model, vocabs, meta
