"""The teacher stage every task type with a teacher shares: load the teacher's bundle, ask it
for soft targets on the student's train split, write them in the student's label order."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from mtf_lib.data.vocab import load_vocabs
from mtf_lib.distill.soft_targets import SoftTargets, in_label_order
from mtf_lib.errors import InputError
from mtf_lib.stage import StagePaths
from mtf_lib.tasks.common import read_preprocessed, task_dir
from mtf_lib.training.threads import set_threads

# (teacher predictor, texts, temperature) -> (rows per text, the teacher's label order)
Targets = Callable[[Any, list[str], float], tuple[list[np.ndarray], list[str]]]


def run_teacher(params: Any, paths: StagePaths, targets: Targets, gold: Callable[[dict], Any]) -> dict[str, Any]:
    """Soft targets of ``params.distill.teacher`` on the train split into ``paths.teacher``; the
    summary says how often the teacher's most probable label is the gold one (``gold(record)``)."""
    from mtf_lib.inference import Predictor

    distill = params.distill
    if distill is None:
        raise InputError("the teacher stage needs a distill section in params.yaml (distill.teacher: <bundle>)")
    set_threads(params.train.threads)
    bundle = task_dir(params) / distill.teacher
    teacher = Predictor.load(bundle)
    kind = teacher.meta.get("task_type")
    if kind != params.task.type:
        raise InputError(f"distill.teacher {distill.teacher} is a {kind} model, not a {params.task.type} one")
    records = read_preprocessed(paths.preprocessed / "train.jsonl")
    student_labels = load_vocabs(paths.dataset / "vocab")["labels"].tokens
    rows, teacher_labels = targets(teacher, [r["text"] for r in records], distill.temperature)
    rows = [in_label_order(r, teacher_labels, student_labels) for r in rows]
    SoftTargets.from_rows(rows, student_labels, distill.temperature).save(paths.teacher)
    hits = total = 0
    for record, row in zip(records, rows, strict=True):
        expected = np.atleast_1d(gold(record))
        hits += int((np.asarray(student_labels)[row.argmax(-1)] == expected).sum())
        total += expected.size
    return {"examples": len(rows), "teacher": distill.teacher, "teacher_train_accuracy": round(hits / max(1, total), 4)}
