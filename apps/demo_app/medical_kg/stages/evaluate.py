"""Evaluate stage: the bundle answers the hand-written questions → metrics/eval.json (intent
accuracy, answer precision/recall/F1), per intent in eval_groups.json, failures in failed.jsonl."""

from mtf_lib.stage import run_stage

if __name__ == "__main__":
    run_stage("evaluate", __doc__, ("bundle", "live", "metrics"))
