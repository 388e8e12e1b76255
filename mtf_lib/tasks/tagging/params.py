"""The params.yaml schema of a tagging task: one group per stage."""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from pydantic import ConfigDict, Field, model_validator

from mtf_lib import registry
from mtf_lib.config import Section

PositiveInt = Annotated[int, Field(ge=1)]


class TaskParams(Section):
    name: str
    type: Literal["tagging"]


class FetchParams(Section):
    dataset: str | None = Field(None, description="data set to download (mtf_lib.assets); null: own files")


class PreprocessParams(Section):
    format: Literal["char_tagged", "jsonl"] = "char_tagged"
    input_scheme: Literal["BIO", "BIOES", "BMES"] = "BMES"
    scheme: Literal["BIO", "BIOES", "BMES"] = "BIOES"
    train: str
    dev: str
    test: str
    normalize: bool = True
    softword: bool = True
    lexicon: bool = True
    workers: Annotated[int, Field(ge=0, description="0: one per CPU")] = 0
    limit: Annotated[int, Field(ge=0, description="first N sentences per split (smoke runs); 0: all")] = 0


class DatasetParams(Section):
    char_min_freq: PositiveInt = 1
    bigram_min_freq: PositiveInt = 1


class ModelParams(Section):
    """``name`` picks a registered model; the other keys are that model's settings."""

    model_config = ConfigDict(extra="allow")
    component_kind: ClassVar[str] = "model"
    name: registry.models.name_type


class TrainParams(Section):
    seed: int = 42
    device: Literal["auto", "cpu", "cuda", "mps"] = "auto"
    epochs: PositiveInt = 30
    batch_size: PositiveInt = 32
    lr: Annotated[float, Field(gt=0, le=10)] = 1e-3
    optimizer: registry.optimizers.name_type = "adam.v1"
    weight_decay: Annotated[float, Field(ge=0)] = 0.0
    scheduler: registry.schedulers.name_type = "linear.v1"
    warmup_ratio: Annotated[float, Field(ge=0, lt=1)] = 0.0
    grad_accum: PositiveInt = 1
    clip_norm: Annotated[float, Field(ge=0, description="0: no clipping")] = 5.0
    amp: Literal["none", "bf16", "fp16"] = "none"
    monitor: Literal["f1", "precision", "recall"] = "f1"
    patience: Annotated[int, Field(ge=0, description="0: no early stopping")] = 5
    callbacks: list[registry.callbacks.name_type] = ["early_stopping.v1", "dvclive.v1"]


class EvaluateParams(Section):
    metric: registry.metrics.name_type = "entity_f1.v1"
    batch_size: PositiveInt = 64


class TaggingParams(Section):
    task: TaskParams
    fetch: FetchParams = FetchParams()
    preprocess: PreprocessParams
    dataset: DatasetParams = DatasetParams()
    model: ModelParams
    train: TrainParams = TrainParams()
    evaluate: EvaluateParams = EvaluateParams()

    @model_validator(mode="after")
    def _features_are_computed(self) -> TaggingParams:
        """A model may only embed a jieba feature that preprocess computes (else it sees padding)."""
        settings = self.model.model_extra or {}
        for feature in ("softword", "lexicon"):
            if settings.get(f"{feature}_dim", 0) and not getattr(self.preprocess, feature):
                raise ValueError(
                    f"model.{feature}_dim is {settings[f'{feature}_dim']} but preprocess.{feature} is false: "
                    f"set preprocess.{feature}: true, or model.{feature}_dim: 0"
                )
        return self


SCHEMA = TaggingParams
