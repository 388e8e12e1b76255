"""Teacher stage (distillation): the soft targets of the trained bundle distill.teacher names on
the train split, in this task's label order, for the train stage to learn from."""

from mtf_lib.stage import run_stage

if __name__ == "__main__":
    run_stage("teacher", __doc__, ("preprocessed", "dataset", "teacher"))
