"""The stages of a tagging task: the usual ones (train and evaluate read dev's raw texts), plus the
teacher stage when it distills."""

from __future__ import annotations

from typing import Any

from mtf_lib.pipeline.declare import PATHS, StageDecl
from mtf_lib.pipeline.standard import trained_model_pipeline


def stages(params: Any) -> list[StageDecl]:
    dev = f"{PATHS.preprocessed}/dev.jsonl"
    return trained_model_pipeline(
        params,
        train_deps=(f"{dev}  # dev is scored from raw text, as evaluate scores test",),
        evaluate_deps=(f"{dev}  # its error analysis",),
    )
