"""A task's DVC pipeline, generated from the stages its task type declares.

A task type declares, for a task's validated params, the stages that task has: what each reads
(paths and params keys) and writes (outs, metrics, plots; persist/cache). ``mtf pipeline`` writes
the task's dvc.yaml from that, with the mtf_lib folders and files each stage runs computed from
the code's imports (``library``), and ``mtf pipeline --check`` fails, naming the difference, when
a committed dvc.yaml is out of date. Stages of a user's own go below the marker line at the end
of dvc.yaml and survive regeneration.
"""
