"""The params.yaml schema of a tagging task: one group per stage."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from mtf_lib import registry
from mtf_lib.config import Section
from mtf_lib.tasks import sections
from mtf_lib.tasks.sections import PositiveInt


class PreprocessParams(Section):
    format: registry.readers.ref(task_type="tagging") = Field(
        "char_tagged.v1", description="the reader of the raw files (mtf components readers), with its settings"
    )
    input_scheme: Literal["BIO", "BIOES", "BMES"] = "BMES"
    scheme: Literal["BIO", "BIOES", "BMES"] = "BIOES"
    train: str
    dev: str
    test: str
    normalize: bool = True
    softword: bool = True
    lexicon: bool = True
    workers: sections.Workers = 0
    limit: sections.Limit = 0


class DatasetParams(Section):
    char_min_freq: PositiveInt = 1
    bigram_min_freq: PositiveInt = 1


class EvaluateParams(sections.EvaluateParams):
    metric: registry.metrics.ref(task_type="tagging") = Field("entity_f1.v1", description=sections.METRIC_HELP)


class TaggingParams(Section):
    task: sections.TaskParams
    fetch: sections.FetchParams = sections.FetchParams()
    preprocess: PreprocessParams
    dataset: DatasetParams = DatasetParams()
    model: registry.models.ref(task_type="tagging")
    train: sections.TrainParams = sections.TrainParams()  # ensemble: decoded on the members' mean CRF scores
    evaluate: EvaluateParams = EvaluateParams()
    # The teacher stage and train read it.
    distill: sections.DistillParams | None = Field(None, json_schema_extra=sections.SHAPING_WHEN_SET)

    @model_validator(mode="after")
    def _features_are_computed(self) -> TaggingParams:
        """A model may only embed a jieba feature that preprocess computes (else it sees padding)."""
        sections.check_monitor(self)
        settings = self.model
        for feature in ("softword", "lexicon"):
            if settings.get(f"{feature}_dim", 0) and not getattr(self.preprocess, feature):
                raise ValueError(
                    f"model.{feature}_dim is {settings[f'{feature}_dim']} but preprocess.{feature} is false: "
                    f"set preprocess.{feature}: true, or model.{feature}_dim: 0"
                )
        return self
