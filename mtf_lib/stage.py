"""Shared entry point of stage scripts: arguments, params validation, the task type's stage, exit codes.

A stage script is one call, ``run_stage("train", __doc__, ("dataset", "checkpoints", ...))``:
its params are validated (exit 2 on any problem, before any work), then the task type's function
for the stage runs with the paths it was given, then what every task type gets after that stage
(``AFTER``: the train stage's time and machine, evaluate's model card), and its summary is printed. Import-light on
purpose: ``python stages/<stage>.py --help`` must not pay for torch.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass, fields
from pathlib import Path

from mtf_lib.errors import BAD_INPUT, BAD_PARAMS, CodeError, InputError, ServiceError

INTERRUPTED = 130  # as a shell reports Ctrl-C
# Shared steps after a type's stage, (params, paths, seconds the stage took) -> None, imported when due.
AFTER = {
    "train": "mtf_lib.run_record:write_training_record",
    "evaluate": "mtf_lib.tasks.model_card:write_model_card",
}


@dataclass(frozen=True)
class StagePaths:
    """Where the stages of a task read and write, relative to the task folder (dvc.yaml's outs)."""

    datasets: Path = Path("resources/datasets")  # fetched data sets
    preprocessed: Path = Path("data/preprocessed")  # preprocess → <split>.jsonl
    dataset: Path = Path("data/dataset")  # vocabularies and encoded splits
    checkpoints: Path = Path("models/checkpoints")
    bundle: Path = Path("models/model")
    live: Path = Path("metrics/train")  # per-epoch curves (dvclive)
    dev_metrics: Path = Path("metrics/dev.json")  # the kept model's dev scores
    teacher: Path = Path("data/teacher")  # a teacher's soft targets (distillation)
    metrics: Path = Path("metrics")  # eval.json, its per-group breakdown, plots
    raw: Path = Path("data/raw")  # a crawl's items (items.jsonl)
    crawl_job: Path = Path("data/crawl_job")  # a crawl's resumable state (persist: true)
    progress: bool = True  # progress bars (on a terminal)


HELP = {
    "datasets": "folder of fetched data sets",
    "preprocessed": "preprocessed splits (<split>.jsonl)",
    "dataset": "vocabularies and encoded splits",
    "checkpoints": "training checkpoints (resume)",
    "bundle": "the trained model's bundle",
    "live": "per-epoch training curves",
    "dev_metrics": "the kept model's dev scores (JSON)",
    "teacher": "a teacher's soft targets (distillation)",
    "metrics": "metrics folder (eval.json, plots)",
    "raw": "folder of the crawled items (items.jsonl)",
    "crawl_job": "the crawl's resumable job folder",
}


def run_stage(stage: str, description: str | None, paths: tuple[str, ...] = (), argv: list[str] | None = None) -> None:
    """Parse arguments, load and validate ``--params`` (exit 2 on any problem), then run the task
    type's ``stage`` with the given ``paths`` (the other paths keep their defaults)."""
    started = time.monotonic()
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--params", default="params.yaml", help="params file (default: params.yaml)")
    defaults = {f.name: f.default for f in fields(StagePaths)}
    for name in paths:
        flag = "--" + name.replace("_", "-")
        parser.add_argument(flag, dest=name, type=Path, default=defaults[name], help=f"{HELP[name]} ({defaults[name]})")
    if stage == "train":
        parser.add_argument("--no-progress", dest="progress", action="store_false", help="no progress bars")
    args = vars(parser.parse_args(argv))

    from mtf_lib import registry
    from mtf_lib.config import ParamsError
    from mtf_lib.params import load_params

    try:
        params = load_params(args.pop("params"), stage)
    except (ParamsError, CodeError) as exc:
        fail(exc, BAD_PARAMS)
    try:
        function = registry.task_types.get(params.task.type).stage(stage)
    except KeyError as exc:
        fail(f"{exc.args[0]}: remove the stage from dvc.yaml, or give the task type one", BAD_PARAMS)
    try:
        summary = function(params, StagePaths(**args))
        if stage in AFTER:
            from mtf_lib.tasks.base import resolve

            resolve(AFTER[stage])(params, StagePaths(**args), time.monotonic() - started)
    except InputError as exc:
        fail(exc, BAD_INPUT)
    except (CodeError, ServiceError, ParamsError) as exc:  # ParamsError: a group the stage needs is absent
        fail(exc, BAD_PARAMS)
    except KeyboardInterrupt:
        fail(f"{stage} interrupted; run it again to resume from its last checkpoint", INTERRUPTED)
    if summary:
        print(f"{stage}: {json.dumps(summary, ensure_ascii=False)}")


def fail(error: Exception | str, code: int) -> None:
    print(f"error: {error}", file=sys.stderr)
    sys.exit(code)
