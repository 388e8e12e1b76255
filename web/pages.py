"""Demo pages: an index of apps and tasks with their metrics, and a page per task that runs its model.

Rendered on the server (no script needed, nothing from a CDN). Each task type brings its own
page (``ApiSpec.page``, a template extending task.html): the form posts its fields back, they
become the task type's request body, and the page shows the results.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from itertools import groupby
from pathlib import Path
from typing import Any

from flask import Blueprint, abort, render_template, request
from jinja2 import BaseLoader, Environment, TemplateError, TemplateNotFound
from pydantic import ValidationError

from web.api import catalog
from web.catalog import ModelUnavailable
from web.errors import field_errors
from web.predicting import PredictError, predict

log = logging.getLogger(__name__)
pages = Blueprint("pages", __name__)

PALETTE_SIZE = 10  # colour classes in style.css: .c0 ... .c9
TASK_TYPE_PAGES = "task_types/"


# Which ApiSpec page a template name's part after the type names: task_types/<type>[.<part>].html
PAGE_PARTS = {"": "page", "errors": "errors_page"}


class TaskTypePages(BaseLoader):
    """Templates named ``task_types/<type>.html`` (the registered task type's demo page) and
    ``task_types/<type>.errors.html`` (its error-analysis page)."""

    def get_source(self, environment: Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        name, _, part = template.removeprefix(TASK_TYPE_PAGES).removesuffix(".html").partition(".")
        if not template.startswith(TASK_TYPE_PAGES) or not template.endswith(".html") or part not in PAGE_PARTS:
            raise TemplateNotFound(template)
        from mtf_lib import registry

        try:
            path = Path(getattr(registry.task_types.get(name).api_spec(), PAGE_PARTS[part]))
            mtime = path.stat().st_mtime
        except (KeyError, TypeError, OSError) as error:
            raise TemplateNotFound(template) from error
        return path.read_text(encoding="utf-8"), str(path), lambda: path.stat().st_mtime == mtime


@pages.get("/")
def index() -> str:
    apps = [(app, list(tasks)) for app, tasks in groupby(catalog(), key=lambda t: t.app)]
    return render_template("index.html", apps=apps)


@pages.route("/tasks/<app>/<task>", methods=["GET", "POST"])
def task_page(app: str, task: str) -> tuple[str, int]:
    entry = catalog().get(app, task)
    if entry is None:
        abort(404, f"no task {app}/{task}; the index lists the served tasks")
    context: dict[str, Any] = {"task": entry, "fields": {}, "results": [], "error": None, "ready": False, "example": {}}
    try:
        api = entry.api()
        predictor = entry.model().predictor
    except ModelUnavailable as error:
        context["error"] = str(error)
        return render_template("task.html", **context), 503
    template = f"{TASK_TYPE_PAGES}{entry.task_type}.html" if api.page else "task.html"
    labels = list(predictor.labels)
    context.update(ready=True, example=api.example, labels=labels)
    context["colours"] = {label: f"c{n % PALETTE_SIZE}" for n, label in enumerate(labels)}
    if request.method == "GET":
        return render_page(template, api, context, 200)
    context["fields"] = fields = request.form.to_dict()
    try:
        body = api.request.model_validate(api.form(fields))
    except ValidationError as error:
        problems = "; ".join(f"{f['field']}: {f['message']}" for f in field_errors(error))
        context["error"] = f"cannot predict: {problems}"
        return render_page(template, api, context, 422)
    try:
        results = predict(entry, api, body, lambda n, field: f"text {n + 1}", catalog().settings).results
    except PredictError as error:
        context["error"] = f"cannot predict: {error}" if error.status == 422 else str(error)
        return render_page(template, api, context, error.status)
    items = body.items()
    context["results"] = [
        {"item": item, "result": result, "view": api.view(item, result)}
        for item, result in zip(items, results, strict=True)
    ]
    return render_page(template, api, context, 200)


def render_page(
    template: str, api: Any, context: dict[str, Any], status: int, page: Path | None = None, fallback: str = "task.html"
) -> tuple[str, int]:
    """The task type's page (``page``: its file, the demo page unless given); a page that is
    missing or does not compile is a 503 naming it, on the ``fallback`` template."""
    page = page or api.page
    try:
        return render_template(template, **context), status
    except TemplateError as error:
        log.exception("the page %s of task type %s cannot be rendered", page, context["task"].task_type)
        detail = "is missing" if isinstance(error, TemplateNotFound) else f"has an error ({error})"
        context.update(ready=False, error=f"the {context['task'].task_type} page {Path(page).name} {detail}")
        return render_template(fallback, **context), 503
