"""Train stage: fit the model (resuming from models/checkpoints), save the bundle to models/model
and the kept model's dev scores to metrics/dev.json.

Runs on one process, or on several under torchrun (--nproc-per-node N stages/train.py).
"""

from mtf_lib.stage import run_stage

if __name__ == "__main__":
    run_stage("train", __doc__, ("dataset", "checkpoints", "bundle", "live", "dev_metrics", "teacher"))
