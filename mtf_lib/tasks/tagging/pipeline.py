"""The stages of a tagging task: the usual ones (train and evaluate read dev's raw texts), plus the
teacher stage when it distills."""

from __future__ import annotations

from typing import Any

from mtf_lib.pipeline.declare import StageDecl
from mtf_lib.pipeline.standard import DEV, trained_model_pipeline


def stages(params: Any) -> list[StageDecl]:
    return trained_model_pipeline(params, evaluate_deps=(f"{DEV}  # its error analysis",))
