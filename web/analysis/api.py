"""JSON: ``GET /api/v1/<app>/<task>/errors`` (metrics/errors.json; ``?split=`` for one split)."""

from __future__ import annotations

from typing import Any

from flask import Response, abort, jsonify
from flask_openapi3 import APIBlueprint, Tag
from pydantic import BaseModel, Field

from web.analysis.files import read_analysis
from web.api import catalog
from web.catalog import ModelUnavailable
from web.errors import json_error
from web.schemas import ErrorResponse, TaskPath

analysis_tag = Tag(name="analysis", description="error analysis the evaluate stage wrote")
analysis_api = APIBlueprint("analysis_api", __name__, url_prefix="/api/v1", abp_tags=[analysis_tag])


class ErrorsQuery(BaseModel):
    split: str | None = Field(None, description="one split (dev, test); all of them when absent")


class ErrorsResponse(BaseModel):
    app: str
    task: str
    task_type: str
    analysis: dict[str, Any] = Field(description="metrics/errors.json, or the split's part of it")


@analysis_api.get(
    "/<app>/<task>/errors",
    responses={200: ErrorsResponse, 404: ErrorResponse, 503: ErrorResponse},
    summary="The error analysis of a task's model, as its evaluate stage wrote it",
)
def errors(path: TaskPath, query: ErrorsQuery) -> Response:
    task = catalog().get(path.app, path.task)
    if task is None:
        abort(404, f"no task {path.app}/{path.task}; GET /api/v1/models lists the served tasks")
    try:
        found = read_analysis(task)
    except ModelUnavailable as error:
        return json_error(503, str(error))
    if found.unavailable():
        return json_error(404, found.unavailable())
    analysis: dict[str, Any] = found.data
    if query.split is not None:
        _, analysis = found.split(query.split)
        if analysis is None:
            return json_error(404, f"no {query.split} split in the error analysis; it has {', '.join(found.splits())}")
    return jsonify({"app": task.app, "task": task.name, "task_type": task.task_type, "analysis": analysis})
