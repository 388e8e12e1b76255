"""The commands that reproduce, apply or remove an experiment, shown beside it as text: the app
itself never changes the repository. They run from the task's folder (``cd`` shown once)."""

from __future__ import annotations

import json
import shlex
from typing import NamedTuple

from web.experiments.source import Experiment

# `dvc exp apply` checks out every pipeline's outputs of the experiment's commit: in a repository
# with other tasks whose outputs are not in the cache it reports them and exits 255, having
# applied this task's params, model and metrics all the same.
APPLY_NOTE = (
    "if it ends with errors (exit 255) about other tasks' outputs missing from the cache, "
    "this task's params, model and metrics were applied all the same"
)
TERMINAL_NOTE = "it runs in a terminal (`dvc exp run`), not in DVC's queue: Ctrl-C there stops it"
# Only this task's outputs: a bare `dvc checkout` tries every pipeline's, and exits 255 when
# another task's are not pulled.
CHECKOUT = "dvc checkout dvc.yaml"


class Command(NamedTuple):
    what: str
    command: str | None  # None: nothing to run here, only the note
    note: str = ""


def set_params(row: Experiment) -> str:
    """``-S key=value`` for each param changed from the baseline (values in YAML, which ``-S`` parses)."""
    options = []
    for key, value in row.changed.items():
        if key not in row.params:
            continue  # a key the experiment removed: -S cannot remove one
        text = value if isinstance(value, str) else json.dumps(value)
        options.append(f"-S {shlex.quote(f'{key}={text}')}")
    return " ".join(options)


def commands(row: Experiment, head: str) -> list[Command]:
    """What can be done with the row, for its state (and, while it runs, for where it runs)."""
    name = shlex.quote(row.name)
    checkout = "" if row.baseline == head else f"git checkout {row.baseline[:7]} && "
    rerun = f"{checkout}dvc exp run {set_params(row)}".rstrip()
    if row.state == "finished":
        return [
            Command("reproduce", rerun),
            Command("apply to the workspace", f"dvc exp apply {name}", APPLY_NOTE),
            Command("keep as a branch", f"dvc exp branch {name} {shlex.quote(row.name + '-branch')}"),
            Command("remove", f"dvc exp remove {name}"),
        ]
    if row.state == "queued":
        return [Command("run the queue", "dvc queue start"), Command("remove it", f"dvc queue remove {name}")]
    if row.state == "running":
        if not row.queued_run:
            return [Command("stop it", None, TERMINAL_NOTE)]
        return [Command("follow its log", f"dvc queue logs -f {name}"), Command("stop it", f"dvc queue kill {name}")]
    if row.state == "failed":
        return [
            Command("its log", f"dvc queue logs {name}"),
            Command("run again", rerun),
            Command("remove", f"dvc queue remove {name}"),
        ]
    if row.state == "baseline":
        return [Command("check it out", f"git checkout {row.rev[:7]} && {CHECKOUT}"), Command("reproduce", "dvc repro")]
    return [Command("run it as an experiment", "dvc exp run"), Command("its changes", "git diff params.yaml")]
