"""Demo pages: an index of apps and tasks with their metrics, and a page per task that runs its model.

Rendered on the server (no script needed, nothing from a CDN): the form posts the text back and
the page shows the entities highlighted inline, or the label with its probabilities.
"""

from __future__ import annotations

from itertools import groupby
from typing import Any

from flask import Blueprint, abort, render_template, request

from web.api import catalog, over_limits
from web.catalog import ModelUnavailable

pages = Blueprint("pages", __name__)

PALETTE_SIZE = 10  # colour classes in style.css: .c0 ... .c9


@pages.get("/")
def index() -> str:
    apps = [(app, list(tasks)) for app, tasks in groupby(catalog(), key=lambda t: t.app)]
    return render_template("index.html", apps=apps)


@pages.route("/tasks/<app>/<task>", methods=["GET", "POST"])
def task_page(app: str, task: str) -> tuple[str, int]:
    entry = catalog().get(app, task)
    if entry is None:
        abort(404, f"no task {app}/{task}; the index lists the served tasks")
    context: dict[str, Any] = {"task": entry, "text": "", "results": [], "error": None, "labels": []}
    try:
        api = entry.api()
        predictor = entry.model().predictor
    except ModelUnavailable as error:
        context["error"] = str(error)
        return render_template("task.html", **context), 503
    context["labels"] = predictor.labels
    context["colours"] = {label: f"c{n % PALETTE_SIZE}" for n, label in enumerate(predictor.labels)}
    if request.method == "GET":
        return render_template("task.html", **context), 200
    text = request.form.get("text", "")
    context["text"] = text
    texts = [line.strip() for line in text.splitlines() if line.strip()]
    problem = over_limits(texts, lambda n: f"line {n + 1}")
    if problem:
        context["error"] = problem
        return render_template("task.html", **context), 413
    results = api.run(predictor, api.request.model_validate(api.form(texts))) if texts else []
    context["results"] = [
        {"text": t, **r, "segments": highlight(t, r.get("entities", []))} for t, r in zip(texts, results, strict=True)
    ]
    return render_template("task.html", **context), 200


def highlight(text: str, entities: list[dict[str, Any]]) -> list[tuple[str, str | None]]:
    """``text`` cut into ``(piece, entity type or None)``; entities are non-overlapping spans."""
    segments: list[tuple[str, str | None]] = []
    position = 0
    for entity in sorted(entities, key=lambda e: e["start"]):
        if entity["start"] < position:
            continue
        if entity["start"] > position:
            segments.append((text[position : entity["start"]], None))
        segments.append((text[entity["start"] : entity["end"]], entity["type"]))
        position = entity["end"]
    if position < len(text):
        segments.append((text[position:], None))
    return segments
