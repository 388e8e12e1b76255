"""Build a pair model from settings and vocabularies; save and load its bundle (weights,
vocabularies, the fitted overlap features and the target's range and calibration)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from mtf_lib import registry
from mtf_lib.data.vocab import Vocab
from mtf_lib.inference.bundle import load_model_bundle, save_model_bundle
from mtf_lib.tasks.pair_scoring.encode import OVERLAP_DIR, PairEncoder


def build_model(model_params: dict[str, Any], vocabs: dict[str, Vocab], meta: dict[str, Any]) -> Any:
    """``meta["target"]``: the target's kind (and labels); ``meta["n_features"]``: overlap features per pair."""
    from mtf_lib.models.pair_types import PairTarget

    target = PairTarget(meta["target"]["kind"], tuple(vocabs["labels"].tokens) if "labels" in vocabs else ())
    return registry.models.build(model_params, vocabs, target, meta["n_features"], len(vocabs["groups"]))


def save_pair_bundle(
    directory: Path, model: Any, vocabs: dict[str, Vocab], meta: dict[str, Any], overlap_dir: Path | None
) -> Path:
    def copy_overlap(folder: Path) -> None:
        if overlap_dir is not None:
            shutil.copytree(overlap_dir, folder / OVERLAP_DIR)

    return save_model_bundle(directory, "pair_scoring", model, vocabs, meta, copy_overlap)


def load_pair_bundle(directory: Path) -> tuple[Any, PairEncoder, dict[str, Any]]:
    """(model, the encoder of its requests, meta)."""
    from mtf_lib.models.ensemble import Ensemble

    model, vocabs, meta = load_model_bundle(directory, build_model, Ensemble)
    overlap = None
    if (Path(directory) / OVERLAP_DIR).is_dir():
        from mtf_lib.text.overlap import OverlapFeatures

        overlap = OverlapFeatures.load(Path(directory) / OVERLAP_DIR)
    target = meta["target"]
    encoder = PairEncoder(
        vocabs,
        overlap,
        target["kind"],
        target["low"],
        target["high"],
        meta["dataset"]["max_len"],
        *target.get("calibration", (1.0, 0.0)),
    )
    return model, encoder, meta
