"""Evaluate stage: test-split scores of models/model to metrics/eval.json (per group: eval_groups.json),
plots to metrics/plots."""

from mtf_lib.stage import run_stage

if __name__ == "__main__":
    run_stage("evaluate", __doc__, ("preprocessed", "bundle", "live", "metrics"))
