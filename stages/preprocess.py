"""Preprocess stage: raw files → normalised records in the task's own format under data/preprocessed."""

from argparse import Namespace
from pathlib import Path
from typing import Any

from mtf_lib.stage import run_stage


def preprocess(params: Any, args: Namespace) -> None:
    from mtf_lib.tasks import task_module

    counts = task_module(params.task.type, "preprocess").preprocess(params.preprocess, Path(args.out))
    print(f"preprocessed: {counts}")


if __name__ == "__main__":
    run_stage(preprocess, __doc__, lambda p: p.add_argument("--out", default="data/preprocessed"))
