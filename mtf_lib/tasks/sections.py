"""Params sections every task type shares (torch-free: validation must stay fast)."""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from pydantic import ConfigDict, Field, field_validator

from mtf_lib import registry
from mtf_lib.config import Section

PositiveInt = Annotated[int, Field(ge=1)]


class FetchParams(Section):
    dataset: str | None = Field(None, description="data set to download (mtf_lib.assets); null: own files")


class ModelParams(Section):
    """``name`` picks a registered model; the other keys are that model's settings. A task type's
    subclass sets ``task_type``: a model registered for another task type is refused."""

    model_config = ConfigDict(extra="allow")
    component_kind: ClassVar[str] = "model"
    task_type: ClassVar[str | None] = None
    name: registry.models.name_type

    @field_validator("name")
    @classmethod
    def _made_for_this_task_type(cls, name: str) -> str:
        made_for = registry.models.tags(name).get("task_type")
        if cls.task_type and made_for and made_for != cls.task_type:
            fitting = ", ".join(registry.models.names(task_type=cls.task_type))
            raise ValueError(f"{name!r} is a {made_for} model; a {cls.task_type} task needs one of: {fitting}")
        return name


class TrainParams(Section):
    """Settings of the task-independent Trainer; each task type adds the dev metric to ``monitor``."""

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
    patience: Annotated[int, Field(ge=0, description="0: no early stopping")] = 5
    ema_decay: Annotated[
        float, Field(ge=0, lt=1, description="0: off; else dev scores and the saved model use the weights' EMA")
    ] = 0.0
    callbacks: list[registry.callbacks.name_type] = ["early_stopping.v1", "dvclive.v1"]
