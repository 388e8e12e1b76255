"""Teacher stage of a tagging task: per-character tag marginals of a trained tagger (a CRF's by
forward-backward; an ensemble's from its members' mean scores) on the train split and on
``distill.unlabeled``'s sentences."""

from __future__ import annotations

from typing import Any

from mtf_lib.distill.teacher import TeacherTask, run_teacher
from mtf_lib.layout import StagePaths
from mtf_lib.tasks.tagging.preprocess import text_records


def _targets(predictor: Any, texts: list[str], temperature: float) -> tuple[list, list[str]]:
    return predictor.marginals(texts, temperature), predictor.vocabs["labels"].tokens


TAGGING_TEACHER = TeacherTask(
    targets=_targets,
    gold=lambda record: record["tags"],
    records=text_records,
    silver=lambda record, labels: {**record, "tags": labels},
)


def teacher(params: Any, paths: StagePaths) -> dict[str, Any]:
    return run_teacher(params, paths, TAGGING_TEACHER)
