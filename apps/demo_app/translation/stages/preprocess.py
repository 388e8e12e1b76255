"""Preprocess stage: raw files → normalised records in the task's own format under data/preprocessed."""

from mtf_lib.stage import run_stage

if __name__ == "__main__":
    run_stage("preprocess", __doc__, ("preprocessed",))
