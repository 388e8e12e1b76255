"""Pages: ``/tasks/<app>/<task>/errors`` (the task type's own view of metrics/errors.json, one split
at a time, chosen on the page) and ``/tasks/<app>/<task>/card`` (the model card, rendered)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, render_template, request

from web.analysis.files import read_analysis, read_card
from web.analysis.markdown import render_markdown
from web.api import catalog
from web.catalog import ModelUnavailable, Task
from web.pages import TASK_TYPE_PAGES, render_page

analysis_pages = Blueprint("analysis", __name__)


def task_or_404(app: str, name: str) -> Task:
    entry = catalog().get(app, name)
    if entry is None:
        abort(404, f"no task {app}/{name}; the index lists the served tasks")
    return entry


@analysis_pages.get("/tasks/<app>/<task>/errors")
def errors_page(app: str, task: str) -> tuple[str, int]:
    entry = task_or_404(app, task)
    context: dict[str, Any] = {"task": entry, "splits": [], "split": None, "analysis": None, "view": {}, "error": None}
    try:
        api, found = entry.api(), read_analysis(entry)
    except ModelUnavailable as error:
        context["error"] = str(error)
        return render_template("errors.html", **context), 503
    split, analysis = found.split(request.args.get("split"))
    context.update(splits=found.splits(), split=split, note=(found.data or {}).get("note"))
    context["error"] = found.unavailable()
    if context["error"] is None and analysis is None:
        abort(404, f"no {split} split in the error analysis; it has {', '.join(found.splits())}")
    if context["error"] is not None:
        return render_template("errors.html", **context), 200
    context.update(analysis=analysis, view=api.errors_view(analysis, request.args), limit=found.data.get("limit"))
    template = f"{TASK_TYPE_PAGES}{entry.task_type}.errors.html" if api.errors_page else "errors.html"
    return render_page(template, api, context, 200, page=api.errors_page, fallback="errors.html")


@analysis_pages.get("/tasks/<app>/<task>/card")
def card_page(app: str, task: str) -> str:
    entry = task_or_404(app, task)
    text = read_card(entry)
    return render_template("model_card.html", task=entry, card=render_markdown(text) if text is not None else None)
