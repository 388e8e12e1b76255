"""JSON bodies of the experiments API (the OpenAPI document is generated from them)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class CompareQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    exp: list[str] = Field(
        min_length=2, description="two or more different ones (id, rev or name); the first with scores is the reference"
    )


class Command(BaseModel):
    what: str
    command: str | None = Field(description="run from the task's folder; null when there is nothing to run")
    note: str = Field(description="what to know about it (empty when nothing)")


class ExperimentRow(BaseModel):
    id: str = Field(description="an experiment's name (unless shared), a commit's first 12 hex digits, `workspace`")
    name: str
    rev: str
    state: str = Field(description="workspace, baseline, running, queued, failed or finished")
    baseline: str = Field(description="the rev of the commit it was run from")
    created: str | None
    params_changed: dict[str, Any] = Field(description="this task's params that differ from the baseline's")
    params: dict[str, Any] = Field(description="this task's params file, flattened (train.lr)")
    metrics: dict[str, dict[str, float]] = Field(description="dev (metrics/dev.json) and test (metrics/eval.json)")
    error: str | None
    commands: list[Command]


class Column(BaseModel):
    key: str = Field(description="what ?sort= takes")
    label: str
    group: str


class ExperimentList(BaseModel):
    app: str
    task: str
    task_folder: str = Field(description="the task's folder in the repository: the commands run from there")
    params_file: str
    read_at: str = Field(description="when DVC last read the experiments (UTC)")
    read_s: float = Field(description="how long that read took")
    cached: bool = Field(description="true when the repository had not changed since that read")
    columns: list[Column]
    experiments: list[ExperimentRow]


class ParamDiff(BaseModel):
    key: str
    values: list[Any]


class MetricDiff(BaseModel):
    split: str
    name: str
    values: list[float | None]
    deltas: list[float | None] = Field(description="value minus the reference's; null for it and where none")
    signs: list[str] = Field(description='"+", "-", "=", or "" where there is nothing to compare')
    better: str = Field(description='"higher", "lower", or "" for a count that is no score (best_epoch, support)')


class Comparison(BaseModel):
    app: str
    task: str
    experiments: list[ExperimentRow]
    params: list[ParamDiff] = Field(description="only the params that differ among them")
    reference: int | None = Field(
        description="index of the experiment the metrics are compared with: the first chosen that has "
        "metrics (queued, running and failed ones have none); null when none has"
    )
    metrics: list[MetricDiff]
    curves: dict[str, dict[str, list[tuple[float, float]]]] = Field(description="{metric: {id: [[epoch, value], ...]}}")
