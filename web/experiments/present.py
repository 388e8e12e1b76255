"""What the page and the API share: finding a task's listing, and rows and comparisons as JSON."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app

from web.catalog import Task
from web.experiments.commands import commands
from web.experiments.compare import Comparison
from web.experiments.source import Experiment, NotInRepository
from web.experiments.store import Listing, Stores

EXTENSION = "mtf_experiments"


def task_listing(app: str, name: str) -> tuple[Task, Listing, bool]:
    """The task and its experiments (and whether they came from the cache); 404 naming the
    problem when the task is unknown or not in a DVC repository, 503 when DVC cannot read it."""
    task = current_app.extensions["mtf"].get(app, name)
    if task is None:
        abort(404, f"no task {app}/{name}; the index lists the served tasks")
    stores: Stores = current_app.extensions[EXTENSION]
    try:
        listing, cached = stores.for_task(task.directory).listing()
    except NotInRepository as error:
        abort(404, f"{app}/{name} has no experiments: {error}")
    except Exception as error:
        if not _is_dvc_error(error):
            raise
        current_app.logger.exception("DVC cannot read the experiments of %s/%s", app, name)
        abort(503, f"DVC cannot read the experiments of {app}/{name}: {error}")
    return task, listing, cached


def chosen(listing: Listing, keys: list[str]) -> list[Experiment]:
    """The rows named by ``keys`` (id, rev or name), in that order, each once; 404 naming an
    unknown one, 422 unless two distinct ones are named (``exp=A&exp=A`` is one)."""
    rows: dict[str, Experiment] = {}
    for key in keys:
        row = listing.find(key)
        if row is None:
            abort(404, f"no experiment {key!r} in this task's listing")
        rows.setdefault(row.id, row)
    if len(rows) < 2:
        abort(422, "exp: tick two or more different experiments to compare them")
    return list(rows.values())


def row_json(row: Experiment, head: str) -> dict[str, Any]:
    return {
        "id": row.id,
        "name": row.name,
        "rev": row.rev,
        "state": row.state,
        "baseline": row.baseline,
        "created": row.created.isoformat() if row.created else None,
        "params_changed": row.changed,
        "params": row.params,
        "metrics": row.metrics,
        "error": row.error,
        "commands": [command._asdict() for command in commands(row, head)],
    }


def comparison_json(comparison: Comparison, head: str) -> dict[str, Any]:
    return {
        "experiments": [row_json(row, head) for row in comparison.experiments],
        "params": [{"key": key, "values": values} for key, values in comparison.params],
        "reference": comparison.reference,
        "metrics": [diff.__dict__ for diff in comparison.metrics],
        "curves": comparison.curves,
    }


def _is_dvc_error(error: Exception) -> bool:
    from dvc.exceptions import DvcException
    from scmrepo.exceptions import SCMError

    return isinstance(error, DvcException | SCMError)
