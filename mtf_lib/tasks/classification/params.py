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
    workers: Annotated[
        int, Field(ge=0, description="0: one per CPU", json_schema_extra=sections.NOT_SHAPING)  # same output
    ] = 0
    limit: Annotated[int, Field(ge=0, description="first N texts per split (smoke runs); 0: all")] = 0


class DatasetParams(Section):
    min_freq: PositiveInt = 1
    max_len: Annotated[int, Field(ge=1, description="tokens kept per text; the rest is cut off")] = 256


class TrainParams(sections.TrainParams):
    monitor: str = Field("macro_f1", description="the dev score that picks the kept epoch: one of evaluate.metric's")


class EvaluateParams(sections.TorchThreads):
    metric: registry.metrics.name_of(task_type="classification") = Field(
        "classification_scores.v1", description="scores dev in training (train.monitor is one of its scores) and test"
    )
    batch_size: PositiveInt = Field(64, json_schema_extra=sections.NOT_SHAPING)  # test-time batching


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
