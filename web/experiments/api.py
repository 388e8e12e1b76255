"""The experiments as JSON, under /api/v1: the same rows, filters and order as the page, and the
comparison of two or more (params diff, metrics with the sign of each change, curves)."""

from __future__ import annotations

from flask import Response, abort, jsonify
from flask_openapi3 import APIBlueprint, Tag

from web.experiments.compare import compare
from web.experiments.present import chosen, comparison_json, row_json, task_listing
from web.experiments.schemas import CompareQuery, Comparison, ExperimentList
from web.experiments.table import ExperimentsQuery, columns, select, sort_error
from web.schemas import ErrorResponse, TaskPath

experiments_tag = Tag(name="experiments", description="a task's DVC experiments: params, metrics, curves (read-only)")
api = APIBlueprint("experiments_api", __name__, url_prefix="/api/v1", abp_tags=[experiments_tag])
ERRORS = {code: ErrorResponse for code in (404, 422, 503)}


@api.get(
    "/<app>/<task>/experiments",
    responses={200: ExperimentList, **ERRORS},
    summary="A task's commit baselines and DVC experiments (queued, running, failed, finished)",
)
def list_experiments(path: TaskPath, query: ExperimentsQuery) -> Response:
    task, listing, cached = task_listing(path.app, path.task)
    if error := sort_error(query, listing.rows):
        abort(422, error)
    return jsonify(
        {
            "app": task.app,
            "task": task.name,
            "task_folder": listing.layout.folder.as_posix(),
            "params_file": listing.layout.params_file,
            "read_at": listing.read_at.isoformat(),
            "read_s": listing.read_s,
            "cached": cached,
            "columns": [column.__dict__ for column in columns(listing.rows)],
            "experiments": [row_json(row, listing.head) for row in select(listing.rows, query)],
        }
    )


@api.get(
    "/<app>/<task>/experiments/compare",
    responses={200: Comparison, **ERRORS},
    summary="Two or more experiments side by side: params diff, metrics diff, training curves",
)
def compare_experiments(path: TaskPath, query: CompareQuery) -> Response:
    task, listing, _ = task_listing(path.app, path.task)
    comparison = compare(listing.layout, chosen(listing, query.exp))
    return jsonify({"app": task.app, "task": task.name, **comparison_json(comparison, listing.head)})
