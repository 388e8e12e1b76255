"""Train stage: fit the model (resuming from models/checkpoints), save the bundle to models/model.

Runs on one process, or on several under torchrun (--nproc-per-node N stages/train.py).
"""

import json
from argparse import ArgumentParser, Namespace
from pathlib import Path
from typing import Any

from mtf_lib.stage import run_stage


def train(params: Any, args: Namespace) -> None:
    from mtf_lib.inference.bundle import read_bundle_meta
    from mtf_lib.io import write_json
    from mtf_lib.tasks import task_module
    from mtf_lib.tasks.fitting import dev_summary
    from mtf_lib.training.distributed import launch_info

    task_module(params.task.type, "train").train(
        params,
        Path(args.data),
        Path(args.checkpoints),
        Path(args.bundle),
        Path(args.live),
        not args.no_progress,
    )
    if launch_info().is_main:  # rank 0 writes shared files
        summary = dev_summary(read_bundle_meta(args.bundle))
        write_json(args.dev_metrics, summary)
        print(f"kept model on dev: {json.dumps(summary)}")


def arguments(parser: ArgumentParser) -> None:
    parser.add_argument("--data", default="data/dataset")
    parser.add_argument("--checkpoints", default="models/checkpoints")
    parser.add_argument("--bundle", default="models/model")
    parser.add_argument("--live", default="metrics/train")
    parser.add_argument("--dev-metrics", default="metrics/dev.json", help="the kept model's dev scores (JSON)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bars")


if __name__ == "__main__":
    run_stage(train, __doc__, arguments)
