"""Dataset stage: vocabularies built on train, every split encoded to arrays under data/dataset."""

from mtf_lib.stage import run_stage

if __name__ == "__main__":
    run_stage("dataset", __doc__, ("preprocessed", "dataset"))
