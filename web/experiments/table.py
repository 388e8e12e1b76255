"""The experiments table: its columns, and the rows a query keeps, in the order it asks for.

A query comes from the query string (``?sort=dev:accuracy&order=desc&state=finished&param=train.lr&value=0.01``)
so that sorting and filtering work as plain links and GET forms, without JavaScript.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field

from web.experiments.source import STATES, Experiment

FIXED_COLUMNS = {"name": "experiment", "state": "state", "created": "created"}
SPLITS = ("dev", "test")


class ExperimentsQuery(BaseModel):
    """A value that names nothing (``order=sideways``, ``state=done``, ``sort=bogus``) is answered
    with 422 naming the values allowed, never ignored."""

    model_config = ConfigDict(extra="forbid")

    sort: str | None = Field(
        None, description="a column key: name, state, created, param:<key>, dev:<m>, test:<m> (422 for another)"
    )
    order: Literal["asc", "desc"] = Field("asc", description="sort order")
    state: list[Literal[STATES]] = Field(default_factory=list, description="keep these states (repeat for several)")
    param: list[str] = Field(default_factory=list, description="keep rows whose param (e.g. train.lr) ...")
    value: list[str] = Field(default_factory=list, description="... has this value (the n-th goes with the n-th param)")


@dataclass(frozen=True)
class Column:
    key: str  # "name", "param:train.lr", "dev:accuracy"
    label: str
    group: str  # "", "param", "dev", "test"
    integer: bool = False  # a metric whose every value is whole (best_epoch): shown without decimals


def columns(rows: list[Experiment]) -> list[Column]:
    """The fixed columns, every dev and test metric, then every param that differs from a baseline
    (the scores first: a narrow window shows them before a long list of params)."""
    found = [Column(key, label, "") for key, label in FIXED_COLUMNS.items()]
    for split in SPLITS:
        metrics = dict.fromkeys(name for row in rows for name in row.metrics.get(split, {}))
        for name in metrics:
            values = [row.metrics[split][name] for row in rows if name in row.metrics.get(split, {})]
            found.append(Column(f"{split}:{name}", name, split, all(float(v).is_integer() for v in values)))
    changed = sorted({key for row in rows for key in row.changed})
    found += [Column(f"param:{key}", key, "param") for key in changed]
    return found


def sort_keys(rows: list[Experiment]) -> list[str]:
    """What ``?sort=`` takes for these rows: the columns, and any param of theirs (not only changed ones)."""
    keys = [column.key for column in columns(rows)]
    params = sorted({f"param:{key}" for row in rows for key in row.params})
    return list(dict.fromkeys([*keys, *params]))


def sort_error(query: ExperimentsQuery, rows: list[Experiment]) -> str | None:
    """Why the query's sort names no column of these rows (None when it does, or sorts by none)."""
    allowed = sort_keys(rows)
    if query.sort is None or query.sort in allowed:
        return None
    return f"sort: no column {query.sort!r}; one of: {', '.join(allowed)}"


def cell(row: Experiment, key: str) -> Any:
    """The row's value in column ``key`` (None: empty)."""
    group, _, name = key.partition(":")
    if not name:
        return getattr(row, group, None)
    if group == "param":
        return row.params.get(name)
    return row.metrics.get(group, {}).get(name)


def select(rows: list[Experiment], query: ExperimentsQuery) -> list[Experiment]:
    """The rows the query's filters keep, sorted by its column (empty cells last either way)."""
    kept = [row for row in rows if not query.state or row.state in query.state]
    for param, wanted in zip(query.param, query.value, strict=False):
        if param and wanted != "":
            kept = [row for row in kept if param in row.params and same_value(row.params[param], wanted)]
    if not query.sort:
        return kept
    filled = [row for row in kept if cell(row, query.sort) is not None]
    empty = [row for row in kept if cell(row, query.sort) is None]
    filled.sort(key=lambda row: sort_key(cell(row, query.sort)), reverse=query.order == "desc")
    return filled + empty


def sort_key(value: Any) -> tuple[int, Any]:
    """Numbers by value, before anything else by its text."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return (0, value)
    return (1, str(value))


def same_value(actual: Any, wanted: str) -> bool:
    """Whether the text typed in a filter names ``actual``: ``0.01`` matches 0.01, ``[1, 2]`` a list."""
    if str(actual) == wanted:
        return True
    try:
        parsed = yaml.safe_load(wanted)
    except yaml.YAMLError:
        return False
    if isinstance(parsed, str) and isinstance(actual, int | float):
        try:
            parsed = float(parsed)  # YAML reads 1e-3 as text
        except ValueError:
            return False
    return parsed == actual
