"""Evaluate stage: test-split scores of models/model to metrics/eval.json, plots to metrics/plots."""

from argparse import ArgumentParser, Namespace
from pathlib import Path
from typing import Any

from mtf_lib.stage import run_stage


def evaluate(params: Any, args: Namespace) -> None:
    from mtf_lib.tasks import task_module

    summary = task_module(params.task.type, "evaluate").evaluate(
        params.evaluate, Path(args.bundle), Path(args.test), Path(args.live), Path(args.out)
    )
    print(f"test: {summary['test']}")


def arguments(parser: ArgumentParser) -> None:
    parser.add_argument("--bundle", default="models/model")
    parser.add_argument("--test", default="data/preprocessed/test.jsonl")
    parser.add_argument("--live", default="metrics/train")
    parser.add_argument("--out", default="metrics")


if __name__ == "__main__":
    run_stage(evaluate, __doc__, arguments)
