"""Build a tagging model from settings and vocabularies; save and load its bundle."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mtf_lib import registry
from mtf_lib.data.vocab import Vocab
from mtf_lib.inference.bundle import load_model_bundle, save_model_bundle


def build_model(model_params: dict[str, Any], vocabs: dict[str, Vocab], meta: dict[str, Any] | None = None) -> Any:
    return registry.models.build(model_params, vocabs, vocabs["labels"])


def save_tagging_bundle(directory: Path, model: Any, vocabs: dict[str, Vocab], meta: dict[str, Any]) -> Path:
    return save_model_bundle(directory, "tagging", model, vocabs, meta)


def load_tagging_bundle(directory: Path) -> tuple[Any, dict[str, Vocab], dict[str, Any]]:
    from mtf_lib.models.ensemble import TaggerEnsemble

    return load_model_bundle(directory, build_model, TaggerEnsemble)
