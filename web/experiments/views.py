"""The experiments pages: a task's table (sorted and filtered by the query string) and the
comparison of the experiments ticked in it. Plain links and GET forms: no script needed."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, render_template, request, url_for
from pydantic import ValidationError

from web.errors import field_errors
from web.experiments.commands import commands
from web.experiments.compare import compare
from web.experiments.present import chosen, task_listing
from web.experiments.source import EXPERIMENT_STATES, STATES
from web.experiments.table import ExperimentsQuery, cell, columns, select, sort_error

pages = Blueprint(
    "experiments",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/static/experiments",
)


@pages.get("/tasks/<app>/<task>/experiments")
def table(app: str, task: str) -> str:
    entry, listing, cached = task_listing(app, task)
    query = parse_query()
    if error := sort_error(query, listing.rows):
        abort(422, error)
    rows = select(listing.rows, query)
    param_keys = sorted({key for row in listing.rows for key in row.params})
    return render_template(
        "experiments/table.html",
        task=entry,
        listing=listing,
        cached=cached,
        query=query,
        columns=columns(listing.rows),
        rows=rows,
        cell=cell,
        commands=lambda row: commands(row, listing.head),
        states=STATES,
        param_keys=param_keys,
        sort_url=sort_url,
        no_experiments=not any(row.state in EXPERIMENT_STATES for row in listing.rows),
        cd=cd_command(listing.layout.folder.as_posix()),
    )


@pages.get("/tasks/<app>/<task>/experiments/compare")
def compare_page(app: str, task: str) -> str:
    entry, listing, _ = task_listing(app, task)
    keys = request.args.getlist("exp")
    if len(keys) < 2:
        abort(422, "tick two or more experiments to compare them")
    comparison = compare(listing.layout, chosen(listing, keys))
    return render_template(
        "experiments/compare.html",
        task=entry,
        listing=listing,
        comparison=comparison,
        commands=lambda row: commands(row, listing.head),
        cd=cd_command(listing.layout.folder.as_posix()),
    )


def cd_command(folder: str) -> str:
    """``cd <the task's folder>`` from the repository's root; "" when the task is the root."""
    return "" if folder in ("", ".") else f"cd {folder}"


def parse_query() -> ExperimentsQuery:
    """The query string as an ExperimentsQuery (lists from repeated keys); 422 naming a bad field."""
    args = request.args
    values: dict[str, Any] = {key: args.getlist(key) for key in ("state", "param", "value")}
    values.update({key: args[key] for key in ("sort", "order") if args.get(key)})
    try:
        return ExperimentsQuery.model_validate(values)
    except ValidationError as error:
        abort(422, "; ".join(f"{f['field']}: {f['message']}" for f in field_errors(error)))


def sort_url(key: str, query: ExperimentsQuery) -> str:
    """This page sorted by ``key``: ascending first, descending when it already sorts ascending."""
    order = "desc" if query.sort == key and query.order == "asc" else "asc"
    args = {k: v for k, v in request.args.lists() if k not in ("sort", "order")}
    return url_for(".table", **request.view_args, **args, sort=key, order=order)
