"""Baseline stage: test scores of two scorers that need no training (char TF-IDF cosine; a
gradient-boosted regressor over lexical-overlap features) to metrics/baseline.json."""

from mtf_lib.stage import run_stage

if __name__ == "__main__":
    run_stage("baseline", __doc__, ("preprocessed", "metrics"))
