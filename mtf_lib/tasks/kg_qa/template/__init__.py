"""What the task template generates for a kg_qa task: this folder's params.yaml, README.md,
pipeline.md (build → evaluate: no training) and sample/ (a small city graph and its hand-written
questions)."""

from __future__ import annotations

from pathlib import Path

from mtf_lib.tasks.template import TaskTemplate

TEMPLATE = TaskTemplate(folder=Path(__file__).parent)
