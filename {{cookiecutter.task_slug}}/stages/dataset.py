"""Dataset stage: vocabularies built on train, every split encoded to arrays under data/dataset."""

from argparse import ArgumentParser, Namespace
from pathlib import Path
from typing import Any

from mtf_lib.stage import run_stage


def dataset(params: Any, args: Namespace) -> None:
    from mtf_lib.tasks import task_module

    sizes = task_module(params.task.type, "dataset").build_dataset(params.dataset, Path(args.input), Path(args.out))
    print(f"vocabulary sizes: {sizes}")


def arguments(parser: ArgumentParser) -> None:
    parser.add_argument("--input", default="data/preprocessed")
    parser.add_argument("--out", default="data/dataset")


if __name__ == "__main__":
    run_stage(dataset, __doc__, arguments)
