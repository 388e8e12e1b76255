"""The stages of a seq2seq task: the usual ones; train decodes dev (greedy BLEU picks the kept
epoch) and stores the decoding defaults in the bundle, so it reads those evaluate settings too."""

from __future__ import annotations

from typing import Any

from mtf_lib.pipeline.declare import PATHS, StageDecl, kept
from mtf_lib.pipeline.standard import trained_model_pipeline

DECODING = (
    "evaluate.max_len_ratio",
    "evaluate.max_len_extra",
    "evaluate.beam  # the bundle's decoding defaults (the web's)",
    "evaluate.length_penalty",
)


def stages(params: Any) -> list[StageDecl]:
    return trained_model_pipeline(
        params,
        train_params=DECODING,
        evaluate_own=(kept(PATHS.metrics / "samples.jsonl", note="a sample of test translations"),),
    )
