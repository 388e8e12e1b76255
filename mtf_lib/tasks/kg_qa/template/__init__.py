"""What the task template generates for a kg_qa task: this folder's params.yaml, README.md,
dvc.yaml (build → evaluate: no training), stages/build.py and sample/ (a small city graph and
its hand-written questions)."""

from __future__ import annotations

from pathlib import Path

from mtf_lib.tasks.template import TaskTemplate

TEMPLATE = TaskTemplate(folder=Path(__file__).parent)
