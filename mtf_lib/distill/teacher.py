"""The teacher stage every task type with a teacher shares: load the teacher's bundle, ask it
for soft targets on the student's train split (and on ``distill.unlabeled``'s raw sentences),
write them in the student's label order."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from mtf_lib.data.vocab import load_vocabs
from mtf_lib.distill.soft_targets import SoftTargets, in_label_order
from mtf_lib.errors import InputError
from mtf_lib.io import atomic_write
from mtf_lib.layout import StagePaths
from mtf_lib.tasks.common import read_preprocessed, task_dir
from mtf_lib.training.threads import set_threads

# (teacher predictor, texts, temperature) -> (rows per text, the teacher's label order)
Targets = Callable[[Any, list[str], float], tuple[list[np.ndarray], list[str]]]
UNLABELED_FILE = "unlabeled.jsonl"


@dataclass(frozen=True)
class TeacherTask:
    """What the teacher stage needs of a task type.

    ``targets`` asks a predictor for soft targets; ``gold(record)`` is a preprocessed record's gold
    label(s); ``records(texts, params)`` turns raw sentences into preprocessed records without
    gold (as the preprocess stage would); ``silver(record, labels)`` fills in the teacher's most
    probable label(s) (``labels``: one per row of its soft targets) where the gold ones would be,
    so the train stage encodes the record like any other."""

    targets: Targets
    gold: Callable[[dict], Any]
    records: Callable[[list[str], Any], list[dict]]
    silver: Callable[[dict, list[str]], dict]


def read_unlabeled(path: Path) -> list[str]:
    """The non-blank lines of a UTF-8 file of raw sentences, stripped."""
    if not path.is_file():
        raise InputError(f"distill.unlabeled: {path} not found (a UTF-8 file of raw sentences, one per line)")
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()  # -sig: a BOM from Windows editors is no text
    except UnicodeDecodeError as exc:
        raise InputError(f"distill.unlabeled: {path} is not UTF-8 ({exc.reason} at byte {exc.start})") from None
    texts = [line.strip() for line in lines if line.strip()]
    if not texts:
        raise InputError(f"distill.unlabeled: {path} has no sentences (one per line)")
    return texts


def run_teacher(params: Any, paths: StagePaths, task: TeacherTask) -> dict[str, Any]:
    """Soft targets of ``params.distill.teacher`` into ``paths.teacher``: the train split's, then
    those of ``distill.unlabeled``'s sentences (their records with the teacher's labels in
    ``unlabeled.jsonl``). The summary says how often the teacher's most probable label is the
    gold one on train."""
    from mtf_lib.inference import Predictor

    distill = params.distill
    if distill is None:
        raise InputError("the teacher stage needs a distill section in params.yaml (distill.teacher: <bundle>)")
    set_threads(params.train.threads)
    extra: list[dict] = []
    if distill.unlabeled:
        extra = task.records(read_unlabeled(task_dir(params) / distill.unlabeled), params.preprocess)
    bundle = task_dir(params) / distill.teacher
    teacher = Predictor.load(bundle)
    kind = teacher.meta.get("task_type")
    if kind != params.task.type:
        raise InputError(f"distill.teacher {distill.teacher} is a {kind} model, not a {params.task.type} one")
    records = read_preprocessed(paths.preprocessed / "train.jsonl")
    student_labels = load_vocabs(paths.dataset / "vocab")["labels"].tokens
    rows, teacher_labels = task.targets(teacher, [r["text"] for r in [*records, *extra]], distill.temperature)
    rows = [in_label_order(r, teacher_labels, student_labels) for r in rows]
    names = np.asarray(student_labels)
    if extra:
        with atomic_write(paths.teacher / UNLABELED_FILE, "w") as out:
            for record, row in zip(extra, rows[len(records) :], strict=True):
                silver = task.silver(record, names[row.argmax(-1)].tolist())
                out.write(json.dumps(silver, ensure_ascii=False) + "\n")
    SoftTargets.from_rows(rows, student_labels, distill.temperature).save(paths.teacher)
    hits = total = 0
    for record, row in zip(records, rows[: len(records)], strict=True):
        expected = np.atleast_1d(task.gold(record))
        hits += int((names[row.argmax(-1)] == expected).sum())
        total += expected.size
    return {
        "examples": len(records),
        "unlabeled": len(extra),
        "teacher": distill.teacher,
        "teacher_train_accuracy": round(hits / max(1, total), 4),
    }


def read_silver(directory: Path) -> list[dict]:
    """The unlabeled sentences' records the teacher stage wrote (none without ``distill.unlabeled``)."""
    path = directory / UNLABELED_FILE
    return read_preprocessed(path) if path.is_file() else []
