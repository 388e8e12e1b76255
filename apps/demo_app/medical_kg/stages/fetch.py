"""Fetch stage: place the task's data set under resources/datasets (from MTF_DATA_MIRROR or its URL)."""

from mtf_lib.stage import run_stage

if __name__ == "__main__":
    run_stage("fetch", __doc__, ("datasets",))
