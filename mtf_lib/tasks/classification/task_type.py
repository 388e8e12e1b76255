"""The classification task type: one label per text; TextCNN and BiLSTM-attention models."""

from __future__ import annotations

from mtf_lib import registry
from mtf_lib.tasks.base import TaskType

CLASSIFICATION = TaskType(
    name="classification",
    description="Text classification: one label per text, with every label's probability",
    params="mtf_lib.tasks.classification.params:ClassificationParams",
    stages={
        "preprocess": "mtf_lib.tasks.classification.preprocess:preprocess",
        "dataset": "mtf_lib.tasks.classification.dataset:build_dataset",
        "train": "mtf_lib.tasks.classification.train:train",
        "evaluate": "mtf_lib.tasks.classification.evaluate:evaluate",
        "teacher": "mtf_lib.tasks.classification.teacher:teacher",  # distillation: a teacher's soft targets
    },
    predictor="mtf_lib.tasks.classification.predictor:ClassificationPredictor",
    api="mtf_lib.tasks.classification.api:API",
    errors="mtf_lib.tasks.classification.errors:analyse",  # metrics/errors.json
    components=(
        "mtf_lib.models.classifiers",
        "mtf_lib.tasks.classification.readers",
        "mtf_lib.tasks.classification.metrics",
    ),
    template="mtf_lib.tasks.classification.template:TEMPLATE",
    pipeline="mtf_lib.tasks.classification.pipeline:stages",  # its declared stages: mtf pipeline writes dvc.yaml
)
registry.task_types.register("classification", CLASSIFICATION)
