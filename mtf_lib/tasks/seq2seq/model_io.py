"""Build a seq2seq model from settings and vocabulary sizes; save and load its bundle (weights,
the sentencepiece models of both sides, the decoding settings)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mtf_lib import registry
from mtf_lib.inference.bundle import load_model_bundle, save_model_bundle
from mtf_lib.tasks.seq2seq.vocab import SidesVocab


def build_model(model_params: dict[str, Any], vocabs: Any, meta: dict[str, Any]) -> Any:
    """``meta["vocab"]``: the sides' sizes; ``meta["dataset"]["max_len"]``: pieces per sentence."""
    sizes = meta["vocab"]
    return registry.models.build(model_params, sizes["source"], sizes["target"], meta["dataset"]["max_len"])


def sizes_of(vocab: SidesVocab) -> dict[str, int]:
    return {"source": len(vocab.source), "target": len(vocab.target)}


def save_seq2seq_bundle(directory: Path, model: Any, vocab: SidesVocab, meta: dict[str, Any]) -> Path:
    return save_model_bundle(directory, "seq2seq", model, {}, meta, vocab.save)


def load_seq2seq_bundle(directory: Path) -> tuple[Any, SidesVocab, dict[str, Any]]:
    """(model, its vocabularies, meta). An ensemble is not offered for seq2seq models."""
    model, _, meta = load_model_bundle(directory, build_model)
    return model, SidesVocab.load(Path(directory)), meta
