"""The tagging task type (NER): one tag per character, in BIO, BIOES or BMES; BiLSTM-CRF models."""

from __future__ import annotations

from mtf_lib import registry
from mtf_lib.tasks.base import TaskType

TAGGING = TaskType(
    name="tagging",
    description="Sequence tagging (NER): one tag per character, entities with character offsets",
    params="mtf_lib.tasks.tagging.params:TaggingParams",
    stages={
        "preprocess": "mtf_lib.tasks.tagging.preprocess:preprocess",
        "dataset": "mtf_lib.tasks.tagging.dataset:build_dataset",
        "train": "mtf_lib.tasks.tagging.train:train",
        "evaluate": "mtf_lib.tasks.tagging.evaluate:evaluate",
        "teacher": "mtf_lib.tasks.tagging.teacher:teacher",  # distillation: a teacher's soft targets
    },
    predictor="mtf_lib.tasks.tagging.predictor:TaggingPredictor",
    api="mtf_lib.tasks.tagging.api:API",
    errors="mtf_lib.tasks.tagging.errors:analyse",  # metrics/errors.json
    components=("mtf_lib.models.taggers", "mtf_lib.tasks.tagging.readers", "mtf_lib.tasks.tagging.metrics"),
    template="mtf_lib.tasks.tagging.template:TEMPLATE",
    pipeline="mtf_lib.tasks.tagging.pipeline:stages",  # its declared stages: mtf pipeline writes dvc.yaml
)
registry.task_types.register("tagging", TAGGING)
