"""The dashboard's parts without a repository: sorting and filtering rows, which rows are a task's,
DVC's rows of a running experiment, the commands for each, the metrics' diff, the SVG chart's geometry."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

from dvc.repo.experiments.serialize import ExpExecutor, ExpRange, ExpState, LocalExpExecutor, SerializableExp

from web.experiments.commands import APPLY_NOTE, TERMINAL_NOTE, Command, commands
from web.experiments.compare import lower_is_better, metrics_diff
from web.experiments.curves import experiment_curves
from web.experiments.source import Experiment, TaskLayout, experiment_row, flatten, this_task, with_changes
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
    assert keys == ["name", "state", "created", "test:f1", "param:train.lr"]  # scores before params


def test_flatten_keeps_lists_whole() -> None:
    assert flatten({"train": {"lr": 0.1, "callbacks": ["a", "b"]}, "x": {}}) == {
        "train.lr": 0.1,
        "train.callbacks": ["a", "b"],
        "x": {},
    }


def test_commands_quote_values_for_the_shell() -> None:
    odd = row("it's", params={"train.callbacks": ["dvclive.v1"], "model.name": "text cnn"})
    reproduce = shown(odd)["reproduce"]
    assert reproduce == "dvc exp run -S 'train.callbacks=[\"dvclive.v1\"]' -S 'model.name=text cnn'"
    assert shown(odd)["remove"] == "dvc exp remove 'it'\"'\"'s'"
    other_base = replace(odd, baseline="b" * 40)
    assert shown(other_base)["reproduce"].startswith("git checkout bbbbbbb && dvc exp run")


def shown(experiment: Experiment) -> dict[str, str | None]:
    return {command.what: command.command for command in commands(experiment, HEAD)}


def test_checkout_and_apply_stay_within_the_task() -> None:
    baseline = replace(row("base", "baseline"), rev="c" * 40)
    assert shown(baseline)["check it out"] == "git checkout ccccccc && dvc checkout dvc.yaml"
    apply = next(c for c in commands(row("done"), HEAD) if c.what == "apply to the workspace")
    assert apply == Command("apply to the workspace", "dvc exp apply done", APPLY_NOTE)
    assert "other tasks' outputs" in APPLY_NOTE and "exit 255" in APPLY_NOTE


def running_range(executor: str, root: str) -> ExpRange:
    """What DVC's show reports for a running experiment: the files it started from (the last
    run's scores in dev.json), its executor's name and the folder it runs in."""
    data = SerializableExp(
        rev="d" * 40,
        params={"apps/a/t/params.yaml": {"data": {"train": {"lr": 0.5}}}},
        metrics={"apps/a/t/metrics/dev.json": {"data": {"f1": 0.7}}},
    )
    local = LocalExpExecutor(root=root, pid=1)
    return ExpRange([ExpState(rev="d" * 40, data=data)], ExpExecutor("running", executor, local), name="live")


def test_a_running_experiment_shows_no_scores_and_commands_for_where_it_runs(tmp_path: Path) -> None:
    (tmp_path / ".dvc").mkdir()
    layout = TaskLayout.of(tmp_path / "apps" / "a" / "t")
    base = replace(row("base", "baseline", {"train.lr": 0.1}, f1=0.7), rev=HEAD)
    queue = experiment_row(layout, base, running_range("dvc-task", "/tmp/exps/x"))
    assert (queue.state, queue.metrics, queue.executor, queue.workdir) == ("running", {}, "dvc-task", "/tmp/exps/x")
    assert shown(queue) == {"follow its log": "dvc queue logs -f live", "stop it": "dvc queue kill live"}
    for executor in ("workspace", "tempdir"):  # `dvc exp run [--temp]` in a terminal
        terminal = experiment_row(layout, base, running_range(executor, str(tmp_path)))
        assert terminal.metrics == {} and commands(terminal, HEAD) == [Command("stop it", None, TERMINAL_NOTE)]
        assert not any("dvc queue" in (c.command or "") for c in commands(terminal, HEAD))


def test_a_tasks_rows_are_those_that_changed_its_params_or_scores() -> None:
    base = replace(row("base", "baseline", {"train.lr": 0.1}, f1=0.5), rev=HEAD, changed={})
    old = replace(base, name="old", rev="e" * 40, baseline="e" * 40)
    workspace = replace(row("workspace", "workspace", {"train.lr": 0.1}, f1=0.5), rev="workspace")
    same = {"train.lr": 0.1}
    candidates = [
        row("tuned", "finished", {"train.lr": 0.2}, f1=0.5),
        row("rerun", "finished", same, f1=0.6),  # same params, new scores: its stages ran
        row("elsewhere", "finished", same, f1=0.5),  # another task's: this one's params and scores as committed
        row("queued-here", "queued", {"train.lr": 0.3}),
        row("queued-elsewhere", "queued", same),
        row("running-elsewhere", "running", same),
        row("failed-elsewhere", "failed", same),
        replace(row("on-old", "finished", same, f1=0.5), baseline="e" * 40),  # another task's, on an old commit
    ]
    rows = [with_changes(r, {HEAD: base, "e" * 40: old}.get(r.baseline)) for r in [workspace, base, old, *candidates]]
    assert [r.name for r in this_task(rows, HEAD)] == ["workspace", "base", "tuned", "rerun", "queued-here"]


def test_metric_changes_from_the_first_with_scores_and_counts_uncoloured() -> None:
    waiting = row("waiting", "queued")
    first = row("first", f1=0.5, best_epoch=3, rmse=1.0)
    second = row("second", f1=0.5, best_epoch=5, rmse=1.5)
    diffs = {d.name: d for d in metrics_diff([waiting, first, second])}
    assert diffs["f1"].deltas == [None, None, 0.0] and diffs["f1"].signs == ["", "", "="]
    assert diffs["best_epoch"].signs[2] == "+" and diffs["best_epoch"].better == ""  # a count, not a score
    assert diffs["rmse"].better == "lower" and diffs["f1"].better == "higher"
    assert metrics_diff([waiting, replace(waiting, name="w2")]) == []  # nothing to compare


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


def test_the_metrics_minimised_scores_are_read_from_a_name_or_a_section() -> None:
    """``evaluate.metric`` flattened from a bare name or from {name, its settings}."""
    assert lower_is_better(row("a", params={"evaluate.metric": "pair_scores.v1"})) == {"rmse"}
    assert lower_is_better(row("b", params={"evaluate.metric.name": "pair_scores.v1"})) == {"rmse"}
    assert lower_is_better(row("c")) == set()
