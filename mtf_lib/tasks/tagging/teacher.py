"""Teacher stage of a tagging task: per-character tag marginals of a trained tagger (a CRF's by
forward-backward; an ensemble's from its members' mean scores) on the train split."""

from __future__ import annotations

from typing import Any

from mtf_lib.distill.teacher import run_teacher
from mtf_lib.stage import StagePaths


def teacher(params: Any, paths: StagePaths) -> dict[str, Any]:
    def targets(predictor: Any, texts: list[str], temperature: float) -> tuple[list, list[str]]:
        return predictor.marginals(texts, temperature), predictor.vocabs["labels"].tokens

    return run_teacher(params, paths, targets, lambda record: record["tags"])
