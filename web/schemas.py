"""Request and response bodies of the REST API; the OpenAPI document is generated from them."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class Strict(BaseModel):
    # Strict: a number is not a text, and an unknown field is an error rather than ignored.
    model_config = ConfigDict(extra="forbid", strict=True)


class TaskPath(Strict):
    app: str = Field(description="app name, as listed by GET /api/v1/models")
    task: str = Field(description="task name, as listed by GET /api/v1/models")


class PredictResponse(BaseModel):
    app: str
    task: str
    task_type: str
    bundle_hash: str = Field(description="SHA-256 of the bundle that made these predictions")
    # Each task type's result model; the OpenAPI document lists those of the served tasks.
    results: list[dict[str, Any]] = Field(description="one result per item of the request, in order")


class ModelInfo(BaseModel):
    app: str
    task: str
    task_type: str = Field(description="the task's type (`mtf components task_types` lists them)")
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
