"""mtf's web app: every trained model of the project behind a REST API and demo pages.

    flask --app web run                             # demo (debug off unless --debug)
    gunicorn -w 2 "web:create_app(preload=True)"    # production

Start-up imports no torch: each model loads on first use (or at start with ``preload``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Response, current_app, jsonify
from flask_openapi3 import Info, OpenAPI
from jinja2 import ChoiceLoader

from web.analysis import analysis_api, analysis_pages
from web.api import HEALTH_RESPONSES, api, health
from web.catalog import Catalog, ModelUnavailable, set_torch_threads
from web.errors import register_error_handlers, validation_error_response
from web.experiments import register_experiments
from web.pages import TaskTypePages, pages
from web.schemas import ErrorResponse
from web.settings import load_settings

API_VERSION = "1.0.0"


def create_app(settings: Mapping[str, Any] | None = None, **overrides: Any) -> OpenAPI:
    """The app for the tasks that ``settings`` (see web/settings.py) and ``MTF_WEB_*`` point at."""
    config = load_settings({**(settings or {}), **overrides})
    app = OpenAPI(
        __name__,
        info=Info(
            title="mtf models API", version=API_VERSION, description="Predict with the project's trained models."
        ),
        doc_ui=False,
        validation_error_status=422,
        validation_error_model=ErrorResponse,
        validation_error_callback=validation_error_response,
    )
    app.config["MAX_CONTENT_LENGTH"] = config.max_request_bytes
    app.json.ensure_ascii = False  # Chinese text stays readable in responses
    app.json.sort_keys = False  # fields in the order the schemas give them
    app.url_map.strict_slashes = False  # /tasks/<app>/<task>/ is the same page
    catalog = Catalog(config)
    app.extensions["mtf"] = catalog

    app.register_api(api)
    app.register_api(analysis_api)
    app.get("/healthz", responses=HEALTH_RESPONSES, summary="Liveness: the app runs and sees its tasks")(health)
    app.add_url_rule("/api/v1/openapi.json", "openapi_document", openapi_document)
    app.register_blueprint(pages)
    app.register_blueprint(analysis_pages)
    register_experiments(app)  # pages, API and caches of the experiments dashboard
    app.jinja_env.loader = ChoiceLoader([app.jinja_env.loader, TaskTypePages()])  # each task type's demo page
    register_error_handlers(app)

    set_torch_threads(config.torch_threads)
    if config.preload:
        catalog.preload()
    return app


def openapi_document() -> Response:
    document = current_app.extensions.get("mtf_openapi")
    if document is None:
        document = tidy_openapi(current_app.api_doc, current_app.extensions["mtf"])
        current_app.extensions["mtf_openapi"] = document
    return jsonify(document)


def tidy_openapi(document: dict[str, Any], catalog: Catalog) -> dict[str, Any]:
    """flask-openapi3's document, mended (it writes ``securitySchemes: null``, invalid OpenAPI, and
    a 422 for every operation, where only those that take input can give one) and made concrete:
    the ``app`` and ``task`` path parameters list the names this server serves."""
    if document.get("components", {}).get("securitySchemes", {}) is None:
        del document["components"]["securitySchemes"]
    describe_predict(document, catalog)
    served = {"app": sorted({t.app for t in catalog}), "task": sorted({t.name for t in catalog})}
    for path_item in document["paths"].values():
        for operation in path_item.values():
            if not operation.get("parameters") and not operation.get("requestBody"):
                operation["responses"].pop("422", None)
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "path" and served.get(parameter["name"]):
                    parameter["schema"]["enum"] = served[parameter["name"]]
    return document


PREDICT_PATH = "/api/v1/{app}/{task}/predict"


def describe_predict(document: dict[str, Any], catalog: Catalog) -> None:
    """The predict body and results: the request and result models of the served tasks' types
    (one of them, when several types are served), with which task takes which request."""
    specs: dict[str, Any] = {}
    takes: list[str] = []
    for task in catalog:
        try:
            spec = specs.setdefault(task.task_type, task.api())
        except ModelUnavailable:
            continue  # its code is missing or broken: it answers 503, whatever the body
        takes.append(f"{task.app}/{task.name}: {spec.request.__name__}")
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    requests = _unique([_schema_ref(spec.request, schemas) for spec in specs.values()])
    results = _unique([_schema_ref(spec.result, schemas) for spec in specs.values()])
    media: dict[str, Any] = {"schema": _one_of(requests)}
    if specs:
        media["example"] = dict(next(iter(specs.values())).example)
    operation = document["paths"][PREDICT_PATH]["post"]
    operation["requestBody"] = {
        "required": True,
        "description": "the task type's request; " + ("; ".join(takes) or "no task is served"),
        "content": {"application/json": media},
    }
    schemas["PredictResponse"]["properties"]["results"]["items"] = _one_of(results)


def _schema_ref(model: Any, schemas: dict[str, Any]) -> dict[str, str]:
    """``model``'s JSON schema added to the document's components (with what it refers to)."""
    schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
    for name, definition in schema.pop("$defs", {}).items():
        schemas.setdefault(name, definition)
    schemas.setdefault(model.__name__, schema)
    return {"$ref": f"#/components/schemas/{model.__name__}"}


def _unique(refs: list[dict[str, str]]) -> list[dict[str, str]]:
    return [dict(pair) for pair in dict.fromkeys(tuple(ref.items()) for ref in refs)]


def _one_of(refs: list[dict[str, str]]) -> dict[str, Any]:
    if not refs:
        return {"type": "object"}
    return refs[0] if len(refs) == 1 else {"oneOf": refs}
