"""The stages of a pair-scoring task: the usual ones, with the baseline stage (no training)
beside train; every stage after preprocess reads how the target is encoded."""

from __future__ import annotations

from typing import Any

from mtf_lib.pipeline.declare import PATHS, StageDecl, kept
from mtf_lib.pipeline.standard import code_deps, trained_model_pipeline

TARGET = ("preprocess.target",)


def stages(params: Any) -> list[StageDecl]:
    baseline = StageDecl(
        "baseline",
        deps=(*code_deps(params), str(PATHS.preprocessed)),
        params=("task.type", *TARGET, "evaluate.metric", "baseline"),
        outs=(kept(PATHS.metrics / "baseline.json", "metrics"),),
    )
    return trained_model_pipeline(
        params,
        target=TARGET,
        own_stages=(baseline,),
        evaluate_params=("train.monitor  # the per-group chart's score",),
    )
