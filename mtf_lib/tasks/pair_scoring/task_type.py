"""The pair-scoring task type: a score (or a label) for a pair of texts — answer grading
against reference answers, sentence similarity, NLI; siamese, ESIM and BERT models."""

from __future__ import annotations

from mtf_lib import registry
from mtf_lib.tasks.base import TaskType

PAIR_SCORING = TaskType(
    name="pair_scoring",
    description="Pair scoring: a score on a range (or a label) for a text and one or more references",
    params="mtf_lib.tasks.pair_scoring.params:PairScoringParams",
    stages={
        "preprocess": "mtf_lib.tasks.pair_scoring.preprocess:preprocess",
        "dataset": "mtf_lib.tasks.pair_scoring.dataset:build_dataset",
        "baseline": "mtf_lib.tasks.pair_scoring.baseline:baseline",
        "train": "mtf_lib.tasks.pair_scoring.train:train",
        "evaluate": "mtf_lib.tasks.pair_scoring.evaluate:evaluate",
    },
    predictor="mtf_lib.tasks.pair_scoring.predictor:PairScoringPredictor",
    api="mtf_lib.tasks.pair_scoring.api:API",
    errors="mtf_lib.tasks.pair_scoring.errors:analyse",  # metrics/errors.json
    components=(
        "mtf_lib.models.pair_scorers",
        "mtf_lib.tasks.pair_scoring.readers",
        "mtf_lib.tasks.pair_scoring.metrics",
    ),
    template="mtf_lib.tasks.pair_scoring.template:TEMPLATE",
    pipeline="mtf_lib.tasks.pair_scoring.pipeline:stages",  # its declared stages: mtf pipeline writes dvc.yaml
)
registry.task_types.register("pair_scoring", PAIR_SCORING)
