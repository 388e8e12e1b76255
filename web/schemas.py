"""Request and response bodies of the REST API; the OpenAPI document is generated from them."""

from __future__ import annotations

from typing import Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field

from mtf_lib.tasks.api import TextsRequest


class Strict(BaseModel):
    # Strict: a number is not a text, and an unknown field is an error rather than ignored.
    model_config = ConfigDict(extra="forbid", strict=True)


class TaskPath(Strict):
    app: str = Field(description="app name, as listed by GET /api/v1/models")
    task: str = Field(description="task name, as listed by GET /api/v1/models")


def _builtin_results() -> Any:
    """The result models of the built-in task types, as one union (their web descriptions)."""
    from mtf_lib import registry

    results = tuple(registry.task_types.get(name).api_spec().result for name in registry.task_types.lazy_names())
    return Union[results]  # noqa: UP007 - built from a tuple at run time


PredictRequest = TextsRequest  # the body every built-in task type takes


class PredictResponse(BaseModel):
    app: str
    task: str
    task_type: str
    bundle_hash: str = Field(description="SHA-256 of the bundle that made these predictions")
    results: list[_builtin_results()] = Field(description="one result per text, in order")


class ModelInfo(BaseModel):
    app: str
    task: str
    task_type: str = Field(description="tagging, classification, ...")
    trained: bool
    metrics: dict[str, dict[str, float]] = Field(description="headline metrics by split (test, else dev)")
    bundle_hash: str | None = Field(description="SHA-256 of the bundle's files; null when not trained")
    predict_url: str
    train_command: str = Field(description="the command that (re)trains this task, run from the project root")


class ModelList(BaseModel):
    models: list[ModelInfo]


class Health(BaseModel):
    status: Literal["ok"]
    tasks: int
    trained: int


class FieldError(BaseModel):
    field: str = Field(description="where the problem is, e.g. texts.2")
    message: str


class ErrorResponse(BaseModel):
    error: str = Field(description="what went wrong and how to fix it")
    status: int
    fields: list[FieldError] = Field(default_factory=list, description="one entry per invalid field (422)")
