"""The params.yaml schema of a classification task: one group per stage."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, model_validator

from mtf_lib import registry
from mtf_lib.config import Section
from mtf_lib.tasks import sections
from mtf_lib.tasks.sections import PositiveInt


class PreprocessParams(Section):
    format: registry.readers.ref(task_type="classification") = Field(
        "labelled_jsonl.v1", description="the reader of the raw files (mtf components readers), with its settings"
    )
    train: str
    dev: str
    test: str
    tokenizer: registry.tokenizers.name_type = "jieba.v1"
    normalize: bool = True
    workers: sections.Workers = 0
    limit: sections.Limit = 0


class DatasetParams(Section):
    min_freq: PositiveInt = 1
    max_len: Annotated[int, Field(ge=1, description="tokens kept per text; the rest is cut off")] = 256


class TrainParams(sections.TrainParams):
    monitor: str = Field("macro_f1", description="the dev score that picks the kept epoch: one of evaluate.metric's")


class EvaluateParams(sections.EvaluateParams):
    metric: registry.metrics.ref(task_type="classification") = Field(
        "classification_scores.v1", description=sections.METRIC_HELP
    )


class ClassificationParams(Section):
    task: sections.TaskParams
    fetch: sections.FetchParams = sections.FetchParams()
    preprocess: PreprocessParams
    dataset: DatasetParams = DatasetParams()
    model: registry.models.ref(task_type="classification")
    train: TrainParams = TrainParams()
    evaluate: EvaluateParams = EvaluateParams()
    # The teacher stage and train read it.
    distill: sections.DistillParams | None = Field(None, json_schema_extra=sections.SHAPING_WHEN_SET)

    @model_validator(mode="after")
    def _monitor_is_a_score(self) -> ClassificationParams:
        sections.check_monitor(self)
        return self
