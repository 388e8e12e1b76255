"""Fetch stage: place the task's data set under resources/datasets (from MTF_DATA_MIRROR or its URL)."""

from argparse import Namespace
from typing import Any

from mtf_lib.stage import run_stage


def fetch(params: Any, args: Namespace) -> None:
    from mtf_lib.assets import fetch_dataset

    if params.fetch.dataset:
        fetch_dataset(params.fetch.dataset, args.out)


if __name__ == "__main__":
    run_stage(fetch, __doc__, lambda p: p.add_argument("--out", default="resources/datasets"))
