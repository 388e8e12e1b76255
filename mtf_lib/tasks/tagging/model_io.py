"""Build a tagging model from settings and vocabularies; save and load its bundle."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mtf_lib.config import build_component, for_loading
from mtf_lib.data.vocab import Vocab
from mtf_lib.inference.bundle import load_bundle_parts, save_model_bundle


def build_model(model_params: dict[str, Any], vocabs: dict[str, Vocab]) -> Any:
    return build_component("model", model_params, vocabs, vocabs["labels"])


def save_tagging_bundle(directory: Path, model: Any, vocabs: dict[str, Vocab], meta: dict[str, Any]) -> Path:
    return save_model_bundle(directory, "tagging", model, vocabs, meta)


def load_tagging_bundle(directory: Path) -> tuple[Any, dict[str, Vocab], dict[str, Any]]:
    meta, vocabs, state = load_bundle_parts(directory)
    settings = for_loading("model", meta["model"])
    members = meta.get("ensemble", 1)
    if members > 1:
        from mtf_lib.models.ensemble import TaggerEnsemble

        model = TaggerEnsemble([build_model(settings, vocabs) for _ in range(members)])
    else:
        model = build_model(settings, vocabs)
    model.load_state_dict(state)
    model.eval()
    return model, vocabs, meta
