"""The dashboard's parts without a repository: sorting and filtering rows, the commands' quoting,
the SVG chart's geometry."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

from web.experiments.commands import commands
from web.experiments.curves import experiment_curves
from web.experiments.source import Experiment, TaskLayout, flatten
from web.experiments.svg import BOTTOM, HEIGHT, LEFT, RIGHT, TOP, WIDTH, line_chart
from web.experiments.table import ExperimentsQuery, columns, same_value, select

HEAD = "a" * 40


def row(name: str, state: str = "finished", params: dict[str, Any] | None = None, **metrics: float) -> Experiment:
    params = params or {}
    return Experiment(
        id=name,
        name=name,
        rev=name,
        state=state,
        baseline=HEAD,
        created=datetime(2026, 1, 1),
        params=params,
        metrics={"test": metrics} if metrics else {},
        changed=params,
    )


ROWS = [row("b", params={"train.lr": 0.01}, f1=0.5), row("a", "queued", {"train.lr": 0.1}), row("c", f1=0.9)]


def names(query: dict[str, Any]) -> list[str]:
    return [r.name for r in select(ROWS, ExperimentsQuery.model_validate(query))]


def test_sort_puts_empty_cells_last_both_ways() -> None:
    assert names({"sort": "test:f1"}) == ["b", "c", "a"]
    assert names({"sort": "test:f1", "order": "desc"}) == ["c", "b", "a"]
    assert names({"sort": "param:train.lr", "order": "desc"}) == ["a", "b", "c"]
    assert names({"sort": "name"}) == ["a", "b", "c"]
    assert names({}) == ["b", "a", "c"]  # DVC's order


def test_filters() -> None:
    assert names({"state": ["queued"]}) == ["a"]
    assert names({"param": ["train.lr"], "value": ["1e-2"]}) == ["b"]
    assert names({"param": ["train.lr"], "value": [""]}) == ["b", "a", "c"]  # an empty filter keeps all
    assert same_value([1, 2], "[1, 2]") and same_value(True, "true") and not same_value(0.01, "0.1")


def test_columns_group_params_and_metrics() -> None:
    keys = [c.key for c in columns(ROWS)]
    assert keys == ["name", "state", "created", "param:train.lr", "test:f1"]


def test_flatten_keeps_lists_whole() -> None:
    assert flatten({"train": {"lr": 0.1, "callbacks": ["a", "b"]}, "x": {}}) == {
        "train.lr": 0.1,
        "train.callbacks": ["a", "b"],
        "x": {},
    }


def test_commands_quote_values_for_the_shell() -> None:
    odd = row("it's", params={"train.callbacks": ["dvclive.v1"], "model.name": "text cnn"})
    reproduce = dict(commands(odd, HEAD))["reproduce"]
    assert reproduce == "dvc exp run -S 'train.callbacks=[\"dvclive.v1\"]' -S 'model.name=text cnn'"
    assert dict(commands(odd, HEAD))["remove"] == "dvc exp remove 'it'\"'\"'s'"
    other_base = replace(odd, baseline="b" * 40)
    assert dict(commands(other_base, HEAD))["reproduce"].startswith("git checkout bbbbbbb && dvc exp run")


def test_chart_scales_every_line_into_the_plot_area() -> None:
    svg = line_chart("loss <1>", [("x", [(1, 2.0), (2, 1.0), (3, 0.5)]), ("none", []), ("y", [(1, 3.0)])])
    assert "loss &lt;1&gt;" in svg
    lines = re.findall(r'data-experiment="([^"]+)" points="([^"]+)" fill="none" stroke="([^"]+)"', svg)
    assert [name for name, _, _ in lines] == ["x", "y"]
    assert lines[0][2] != lines[1][2]  # "none" kept its colour slot: y is the third colour
    for _, points, _ in lines:
        for point in points.split():
            x, y = map(float, point.split(","))
            assert LEFT <= x <= WIDTH - RIGHT and TOP <= y <= HEIGHT - BOTTOM
    assert line_chart("empty", [("x", [])]) == ""


def test_a_running_experiments_curves_are_read_where_it_runs(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    for folder in (".git", ".dvc", "apps/demo_app/topics"):
        (root / folder).mkdir(parents=True)
    layout = TaskLayout.of(root / "apps" / "demo_app" / "topics")
    live = tmp_path / "copy" / "apps" / "demo_app" / "topics" / "metrics" / "train" / "plots" / "metrics"
    live.mkdir(parents=True)
    (live / "train_loss.tsv").write_text("step\ttrain_loss\n1\t2.0\n2\t1.5\n", encoding="utf-8")
    running = replace(row("r", "running"), workdir=str(tmp_path / "copy"))
    assert experiment_curves(layout, running) == {"train_loss": [(1.0, 2.0), (2.0, 1.5)]}
    assert experiment_curves(layout, replace(running, state="queued")) == {}
    assert experiment_curves(layout, replace(running, workdir=None)) == {}
