"""The commands that reproduce, apply or remove an experiment, shown beside it as text: the app
itself never changes the repository. They run from the task's folder (``cd`` shown once)."""

from __future__ import annotations

import json
import shlex

from web.experiments.source import Experiment


def set_params(row: Experiment) -> str:
    """``-S key=value`` for each param changed from the baseline (values in YAML, which ``-S`` parses)."""
    options = []
    for key, value in row.changed.items():
        if key not in row.params:
            continue  # a key the experiment removed: -S cannot remove one
        text = value if isinstance(value, str) else json.dumps(value)
        options.append(f"-S {shlex.quote(f'{key}={text}')}")
    return " ".join(options)


def commands(row: Experiment, head: str) -> list[tuple[str, str]]:
    """``(what it does, the command)`` for the row's state."""
    name = shlex.quote(row.name)
    checkout = "" if row.baseline == head else f"git checkout {row.baseline[:7]} && "
    rerun = f"{checkout}dvc exp run {set_params(row)}".rstrip()
    if row.state == "finished":
        return [
            ("reproduce", rerun),
            ("apply to the workspace", f"dvc exp apply {name}"),
            ("keep as a branch", f"dvc exp branch {name} {shlex.quote(row.name + '-branch')}"),
            ("remove", f"dvc exp remove {name}"),
        ]
    if row.state == "queued":
        return [("run the queue", "dvc queue start"), ("remove from the queue", f"dvc queue remove {name}")]
    if row.state == "running":
        return [("follow its log", f"dvc queue logs -f {name}"), ("stop it", f"dvc queue kill {name}")]
    if row.state == "failed":
        return [("its log", f"dvc queue logs {name}"), ("run again", rerun), ("remove", f"dvc queue remove {name}")]
    if row.state == "baseline":
        return [("check it out", f"git checkout {row.rev[:7]} && dvc checkout"), ("reproduce", "dvc repro")]
    return [("run the workspace as an experiment", "dvc exp run"), ("its changes", "git diff params.yaml")]
