"""REST API, version 1: list the models, predict with one, check health.

flask-openapi3 validates paths against web/schemas.py and builds the OpenAPI document (GET
/api/v1/openapi.json) from them. A predict body is validated against its task's own request
model (its task type's ``ApiSpec.request``), which the document lists for each served task.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Response, abort, current_app, jsonify, request, url_for
from flask_openapi3 import APIBlueprint, Tag
from pydantic import ValidationError
from werkzeug.exceptions import BadRequest, UnsupportedMediaType

from web.catalog import Catalog, ModelUnavailable, Task
from web.errors import json_error, validation_error_response
from web.predicting import PredictError
from web.predicting import predict as predict_with
from web.schemas import ErrorResponse, Health, ModelList, PredictResponse, TaskPath

models_tag = Tag(name="models", description="trained models of the project's tasks")
api = APIBlueprint("api", __name__, url_prefix="/api/v1", abp_tags=[models_tag])

ERRORS = {code: ErrorResponse for code in (400, 404, 413, 415, 422, 503)}


def catalog() -> Catalog:
    return current_app.extensions["mtf"]


def model_info(task: Task) -> dict[str, Any]:
    return {
        "app": task.app,
        "task": task.name,
        "task_type": task.task_type,
        "trained": task.trained,
        "metrics": task.metrics(),
        "bundle_hash": task.bundle_hash(),
        "predict_url": url_for("api.predict", app=task.app, task=task.name),
        "train_command": task.train_command,
    }


@api.before_request
def require_json_body() -> Response | None:
    """Malformed JSON is a 400 and a body of another type a 415, before field validation (422)."""
    if request.method != "POST":
        return
    if not request.is_json:
        raise UnsupportedMediaType(f"send a JSON body with Content-Type: application/json, not {request.mimetype!r}")
    try:
        body = request.get_json()
    except BadRequest:
        raise BadRequest(f"the body is not valid JSON; expected an object such as {example_body()}") from None
    if not isinstance(body, dict):
        return json_error(422, f"the body must be a JSON object such as {example_body()}, not {type(body).__name__}")


def example_body() -> str:
    """The example body of the task the request is for (texts, pairs, ...), as JSON text."""
    args = request.view_args or {}
    entry = catalog().get(args.get("app", ""), args.get("task", ""))
    try:
        example = entry.api().example if entry else None
    except ModelUnavailable:
        example = None
    return json.dumps(example, ensure_ascii=False) if example else "GET /api/v1/openapi.json describes"


@api.get("/models", responses={200: ModelList}, summary="List every task with its model's status and metrics")
def list_models() -> Response:
    return jsonify({"models": [model_info(task) for task in catalog()]})


@api.post(
    "/<app>/<task>/predict",
    responses={200: PredictResponse, **ERRORS},
    summary="Predict a batch of texts with one task's model",
)
def predict(path: TaskPath) -> Response:
    task = catalog().get(path.app, path.task)
    if task is None:
        abort(404, f"no task {path.app}/{path.task}; GET /api/v1/models lists the served tasks")
    try:
        spec = task.api()
    except ModelUnavailable as error:
        return json_error(503, str(error))
    try:
        body = spec.request.model_validate(request.get_json())
    except ValidationError as error:
        return validation_error_response(error)
    try:
        done = predict_with(task, spec, body, lambda n, field: field, catalog().settings)
    except PredictError as error:
        return json_error(error.status, str(error))
    return jsonify(
        {
            "app": task.app,
            "task": task.name,
            "task_type": task.task_type,
            "bundle_hash": done.loaded.bundle_hash,
            "results": done.results,
        }
    )


def health() -> Response:
    tasks = list(catalog())
    return jsonify({"status": "ok", "tasks": len(tasks), "trained": sum(t.trained for t in tasks)})


HEALTH_RESPONSES = {200: Health}
