"""Shared entry point of stage scripts: arguments, params validation, the task type's stage, exit codes.

``mtf stage <name>`` (what each stage of a generated dvc.yaml runs) calls ``run_stage(name, argv)``:
its params are validated (exit 2 on any problem, before any work), then the task type's function
for the stage runs with the paths it was given, then what every task type gets after that stage
(``AFTER``: the train stage's time and machine, evaluate's model card), and its summary is printed. Import-light on
purpose: ``mtf stage train --help`` must not pay for torch.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import fields
from pathlib import Path
from typing import Any

from mtf_lib.errors import BAD_INPUT, BAD_PARAMS, CodeError, InputError, ServiceError
from mtf_lib.layout import HELP, StagePaths

INTERRUPTED = 130  # as a shell reports Ctrl-C
# Shared steps after a type's stage, (params, paths, seconds the stage took) -> None, imported when due.
AFTER = {
    "train": "mtf_lib.run_record:write_training_record",
    "evaluate": "mtf_lib.tasks.model_card:write_model_card",
}


def run_stage(stage: str, argv: list[str] | None = None) -> None:
    """Parse arguments, load and validate ``--params`` (exit 2 on any problem), then run the task
    type's ``stage`` with the paths given (the others keep their defaults)."""
    started = time.monotonic()
    parser = argparse.ArgumentParser(
        prog=f"mtf stage {stage}",
        description=f"Run the {stage} stage of the task whose params file is --params (dvc.yaml runs this).",
    )
    parser.add_argument("--params", default="params.yaml", help="params file (default: params.yaml)")
    shown = None
    if {"-h", "--help"} & set(argv or []):
        declared = declared_stages(argv or [])
        if declared is not None and stage not in (names := [s.name for s in declared]):
            fail(f"this task declares no stage {stage!r}; its stages: {', '.join(names)}", BAD_PARAMS)
        shown = paths_of_stage(stage, declared) if declared is not None else None
        parser.epilog = (
            "Path options: those the task's declared stage reads or writes."
            if shown is not None
            else "Path options: all that any stage takes; in a task folder (or with --params) only its stage's."
        )
    for name, default in ((f.name, f.default) for f in fields(StagePaths) if f.name in HELP):
        if shown is not None and name not in shown:
            continue
        flag = "--" + name.replace("_", "-")
        parser.add_argument(flag, dest=name, type=Path, default=default, help=f"{HELP[name]} ({default})")
    parser.add_argument("--no-progress", dest="progress", action="store_false", help="no progress bars (train)")
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


def declared_stages(argv: list[str]) -> list[Any] | None:
    """For ``--help``: the stages the task of ``--params`` (else ./params.yaml) declares; None
    when the params file cannot say."""
    from mtf_lib import registry
    from mtf_lib.params import load_params

    at = argv.index("--params") + 1 if "--params" in argv else None
    try:
        params = load_params(argv[at] if at is not None and at < len(argv) else "params.yaml")
        return registry.task_types.get(params.task.type).pipeline_stages(params)
    except Exception:  # noqa: BLE001 - help must answer whatever the params file holds
        return None


def paths_of_stage(stage: str, declared: list[Any]) -> set[str]:
    """The path options ``stage`` of ``declared`` reads or writes (each path by its most specific
    option: metrics/train is --live, not --metrics)."""
    used = [str(p) for s in declared if s.name == stage for p in (*s.deps, *(o.path for o in s.outs))]
    defaults = {f.name: str(f.default) for f in fields(StagePaths) if f.name in HELP}

    def option_of(path: str) -> str | None:
        owners = [name for name, d in defaults.items() if path == d or path.startswith(d + "/")]
        return max(owners, key=lambda name: len(defaults[name]), default=None)

    return {option for option in map(option_of, used) if option}


def fail(error: Exception | str, code: int) -> None:
    print(f"error: {error}", file=sys.stderr)
    sys.exit(code)


if __name__ == "__main__":  # python -m mtf_lib.stage train; torchrun --nproc-per-node 2 -m mtf_lib.stage train
    if len(sys.argv) < 2 or sys.argv[1].startswith("-"):
        usage = "usage: python -m mtf_lib.stage STAGE [options]; `python -m mtf_lib.stage train --help` lists them"
        if sys.argv[1:2] in (["-h"], ["--help"]):
            print(usage)
            sys.exit(0)
        fail(f"name the stage: {usage}", BAD_PARAMS)
    run_stage(sys.argv[1], sys.argv[2:])
