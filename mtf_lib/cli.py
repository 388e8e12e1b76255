"""The ``mtf`` command: fetch data sets, check params, list registered components, write a task's
pipeline (dvc.yaml) and run its stages.

Heavy imports happen inside the sub-commands, so ``mtf --help`` answers at once. Shell completion:
``mtf --install-completion`` (or ``mtf --show-completion bash`` to see the script).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from mtf_lib.errors import BAD_INPUT, BAD_PARAMS, CodeError, InputError
from mtf_lib.registry import ALL, ALL_KINDS

# rich_markup_mode=None: plain help and usage errors; rich's formatting would double the time of
# `mtf --help` (0.08 -> 0.16-0.21 s, bench/startup.py). Tracebacks stay Python's own.
app = typer.Typer(
    name="mtf",
    help="mtf: reproducible NLP task pipelines.",
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

# A kind as `mtf components` heads its listing ("models") or singular ("model").
_KIND_NAMES = {**{reg.plural: kind for kind, reg in ALL.items()}, **{kind: kind for kind in ALL_KINDS}}


def _kind(name: str) -> str:
    """The kind a command-line name stands for; a usage error (exit 2) for an unknown one."""
    if name not in _KIND_NAMES:
        choices = ", ".join(map(repr, ALL_KINDS))
        raise typer.BadParameter(f"invalid choice: {name!r} (choose from {choices})")
    return _KIND_NAMES[name]


def _complete_kind(incomplete: str) -> list[str]:
    return [name for name in _KIND_NAMES if name.startswith(incomplete)]


def _examples(*commands: str) -> str:
    """A help epilog; the \\b line keeps the formatter from re-wrapping the commands into one paragraph."""
    return "\b\nExamples:\n" + "\n".join(f"  {command}" for command in commands)


@app.command(epilog=_examples("mtf check", "mtf check path/to/task/params.yaml", "mtf check --resolved"))
def check(
    # str, not Path: messages quote the path exactly as typed ("./params.yaml").
    params: Annotated[str, typer.Argument(metavar="PARAMS", help="the params file to validate")] = "params.yaml",
    resolved: Annotated[
        bool, typer.Option("--resolved", help="print the params with every default filled in (what a run uses)")
    ] = False,
) -> None:
    """Validate a params.yaml without running anything."""
    from mtf_lib.config import ParamsError
    from mtf_lib.params import load_params
    from mtf_lib.pipeline_refs import unresolved_references

    try:
        loaded = load_params(params)
    except ParamsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        raise typer.Exit(BAD_PARAMS) from None
    problems = unresolved_references(Path(params).parent) or _stale_pipeline(Path(params))
    if problems:
        lines = [f"{params}: the pipeline does not fit these params", *problems]
        print("error: " + "\n  ".join(lines), file=sys.stderr)
        raise typer.Exit(BAD_PARAMS)
    if resolved:
        import yaml

        print(yaml.safe_dump(loaded.model_dump(mode="json"), allow_unicode=True, sort_keys=False), end="")
        return
    print(f"{params}: OK ({loaded.task.type} task {loaded.task.name!r})")
    smoke = getattr(getattr(loaded, "train", None), "fast_dev_run", 0)
    if smoke:
        print(f"warning: train.fast_dev_run is {smoke}: a smoke run, its model is not for use", file=sys.stderr)


def _stale_pipeline(params: Path) -> list[str]:
    """A problem when the task's dvc.yaml is not what its task type declares for ``params``."""
    from mtf_lib.pipeline.dvc_yaml import PipelineError, difference

    if params.name != "params.yaml" or not (params.parent / "dvc.yaml").is_file():
        return []  # another params file (a copy being tried) does not drive the pipeline
    try:
        stale = difference(params.parent)
    except PipelineError as exc:
        return [str(exc)]
    if not stale:
        return []
    return [
        "dvc.yaml is out of date for these params: run `mtf pipeline` (`mtf pipeline --check` shows the difference)"
    ]


@app.command(epilog=_examples("mtf components", "mtf components models"))
def components(
    kind: Annotated[
        str | None,
        typer.Argument(
            parser=_kind,
            autocompletion=_complete_kind,
            metavar="KIND",
            help=f"only this kind: {', '.join(ALL_KINDS)} (or as listed: models, losses, ...)",
            show_default=False,
        ),
    ] = None,
    params: Annotated[
        Path | None,
        typer.Option(
            help="a task's params file: its own code (task.code) is listed too [default: ./params.yaml if any]"
        ),
    ] = None,
) -> None:
    """List the registered components (task types, readers, models, ...), a task's own among them."""
    from mtf_lib import registry

    _load_task_code(params or Path("params.yaml"), required=params is not None)
    for name in [kind] if kind else list(registry.ALL):
        reg = registry.ALL[name]
        print(f"{reg.plural}:")
        for entry in reg.names():
            found = reg.get(entry)
            doc = (getattr(found, "description", None) or found.__doc__ or "").strip().splitlines()
            print(f"  {entry:28} {doc[0] if doc else ''}")


def _load_task_code(params: Path, required: bool) -> None:
    """Import the task code a params file names (``task.code``), so its components are listed."""
    from mtf_lib.config import ParamsError, read_yaml
    from mtf_lib.plugins import load_task_code

    if not params.is_file() and not required:
        return
    try:
        task = read_yaml(params).get("task")
    except ParamsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        raise typer.Exit(BAD_PARAMS) from None
    code = task.get("code") if isinstance(task, dict) else None
    load_task_code(params.parent, code if isinstance(code, list) else [])


@app.command(epilog=_examples("mtf fetch", "MTF_DATA_MIRROR=/mnt/datasets mtf fetch resume_ner --out data/raw"))
def fetch(
    datasets: Annotated[
        list[str] | None, typer.Argument(metavar="DATASETS", help="data set names (default: all known)")
    ] = None,
    out: Annotated[Path, typer.Option(help="folder to place each data set's folder in")] = Path("resources/datasets"),
) -> None:
    """Download data sets (or copy them from $MTF_DATA_MIRROR)."""
    from mtf_lib.assets import DATASETS, fetch_dataset

    for name in datasets or sorted(DATASETS):
        for path in fetch_dataset(name, out):
            print(path)


@app.command(
    epilog=_examples("mtf pipeline", "mtf pipeline --check . apps/demo_app/sts_b"),
)
def pipeline(
    tasks: Annotated[
        list[Path] | None, typer.Argument(metavar="TASKS", help="task folders (default: this folder)")
    ] = None,
    check: Annotated[
        bool, typer.Option("--check", help="write nothing; fail (exit 1) if a dvc.yaml is out of date")
    ] = False,
) -> None:
    """Write each task's dvc.yaml from its task type's declared stages (your own stages below the
    marker line are kept)."""
    from mtf_lib.config import ParamsError
    from mtf_lib.pipeline.dvc_yaml import PipelineError, difference, write

    stale = []
    for task in tasks or [Path(".")]:
        try:
            if check:
                diff = difference(task)
                if diff:
                    stale.append(task)
                    print(diff, end="")
            else:
                print(f"{task / 'dvc.yaml'}: {'written' if write(task) else 'up to date'}")
        except (ParamsError, PipelineError, ValueError) as exc:
            print(f"error: {exc}", file=sys.stderr)
            raise typer.Exit(BAD_PARAMS) from None
    if stale:
        names = ", ".join(str(task / "dvc.yaml") for task in stale)
        print(f"error: out of date: {names}: run `mtf pipeline {' '.join(map(str, stale))}`", file=sys.stderr)
        raise typer.Exit(1)
    if check:
        print(f"{len(tasks or [1])} pipeline(s) up to date")


@app.command(
    context_settings={"allow_extra_args": True, "ignore_unknown_options": True, "help_option_names": []},
    epilog=_examples("mtf stage train", "mtf stage evaluate --params params.yaml", "mtf stage train --help"),
)
def stage(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(metavar="STAGE", help="the stage (dvc.yaml runs `mtf stage <name>`)")],
) -> None:
    """Run one stage of the task in this folder (what dvc.yaml's stages run); `--help` after the
    stage name lists its options."""
    from mtf_lib.stage import run_stage

    if name.startswith("-"):  # `mtf stage --help`: this command's own help (its options belong to a stage)
        typer.echo(ctx.get_help())
        raise typer.Exit(0 if name in ("-h", "--help") else BAD_PARAMS)
    run_stage(name, ctx.args)


def main(argv: list[str] | None = None) -> int:
    """Run ``mtf`` with ``argv`` (default: the process's arguments); return its exit code."""
    try:
        app(args=argv, prog_name="mtf")
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return BAD_INPUT
    except CodeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return BAD_PARAMS
    except SystemExit as exc:  # typer ends every run, a successful one too, with sys.exit
        return int(exc.code or 0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
