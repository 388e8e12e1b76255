"""Distillation's pieces: CRF marginals (against brute force), the divergence (zero when the
student is the teacher), a student that moves towards its teacher, and exact resume."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest
import torch
from torch import nn

from mtf_lib.distill.objective import TaggingDistillation, kl_to_teacher
from mtf_lib.distill.soft_targets import SoftTargets, in_label_order
from mtf_lib.models.crf import CRF
from mtf_lib.models.heads import CRFLoss
from mtf_lib.tasks.sections import TrainParams
from mtf_lib.training.callbacks import Callback
from mtf_lib.training.trainer import Trainer


def test_crf_marginals_match_brute_force() -> None:
    torch.manual_seed(0)
    crf = CRF(3)
    emissions = torch.randn(2, 4, 3)
    mask = torch.tensor([[1, 1, 1, 1], [1, 1, 0, 0]]).bool()
    temperature = 1.7
    marginals = crf.log_marginals(emissions, mask, temperature).exp()
    for row, length in ((0, 4), (1, 2)):
        expected, total = torch.zeros(length, 3), 0.0
        for path in itertools.product(range(3), repeat=length):
            score = crf.start[path[0]] + crf.end[path[-1]]
            score = score + sum(emissions[row, i, t] for i, t in enumerate(path))
            score = score + sum(crf.transitions[a, b] for a, b in itertools.pairwise(path))
            weight = torch.exp(score / temperature)
            total = total + weight
            for i, t in enumerate(path):
                expected[i, t] += weight
        torch.testing.assert_close(marginals[row, :length], (expected / total).detach(), atol=1e-5, rtol=1e-4)


class TinyTagger(nn.Module):
    """Embeddings → linear emissions → CRF: a student small enough to train in a test."""

    def __init__(self, chars: int = 20, tags: int = 3) -> None:
        super().__init__()
        self.embed = nn.Embedding(chars, 8)
        self.out = nn.Linear(8, tags)
        self.head = CRFLoss(tags)

    def forward(self, batch: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        emissions = self.out(self.embed(batch["chars"]))
        result = {"emissions": emissions}
        if "labels" in batch:
            result["loss"] = self.head(emissions, batch["labels"], batch["mask"])
        return result


def batches(teacher: nn.Module, temperature: float, n: int = 6) -> list[dict[str, torch.Tensor]]:
    gen = torch.Generator().manual_seed(3)
    out = []
    for _ in range(n):
        chars = torch.randint(1, 20, (4, 7), generator=gen)
        mask = torch.ones(4, 7, dtype=torch.bool)
        mask[2:, 5:] = False
        with torch.no_grad():
            soft = teacher.head.crf.log_marginals(teacher({"chars": chars})["emissions"], mask, temperature).exp()
        labels = torch.randint(0, 3, (4, 7), generator=gen)
        out.append({"chars": chars, "mask": mask, "labels": labels, "soft": soft})
    return out


def divergence(student: nn.Module, data: list[dict[str, torch.Tensor]], temperature: float) -> float:
    with torch.no_grad():
        total = 0.0
        for batch in data:
            emissions = student({"chars": batch["chars"]})["emissions"]
            log_student = student.head.crf.log_marginals(emissions, batch["mask"], temperature)
            total += kl_to_teacher(log_student, batch["soft"], batch["mask"]).item()
    return total / len(data)


def test_the_divergence_is_zero_when_the_student_is_the_teacher() -> None:
    torch.manual_seed(0)
    teacher = TinyTagger()
    assert divergence(teacher, batches(teacher, 2.0), 2.0) == pytest.approx(0.0, abs=1e-5)
    torch.manual_seed(1)
    assert divergence(TinyTagger(), batches(teacher, 2.0), 2.0) > 1e-3


def fit(student: nn.Module, data: list, tmp: Path, callbacks: list | None = None, epochs: int = 8) -> Trainer:
    settings = TrainParams(epochs=epochs, lr=0.05, device="cpu")
    objective = TaggingDistillation(alpha=1.0, temperature=2.0)  # the teacher's term alone
    trainer = Trainer(
        student,
        data,
        lambda m: {"f1": -divergence(m, data, 2.0)},
        settings,
        tmp,
        "h",
        callbacks or [],
        progress=False,
        objective=objective,
    )
    trainer.fit()
    return trainer


def test_a_student_moves_towards_its_teacher(tmp_path: Path) -> None:
    torch.manual_seed(0)
    teacher = TinyTagger()
    data = batches(teacher, 2.0)
    torch.manual_seed(1)
    student = TinyTagger()
    before = divergence(student, data, 2.0)
    fit(student, data, tmp_path)
    assert divergence(student, data, 2.0) < 0.3 * before


def test_a_distilled_run_resumes_exactly(tmp_path: Path) -> None:
    torch.manual_seed(0)
    data = batches(TinyTagger(), 2.0)

    class Crash(Exception):
        pass

    class CrashAt(Callback):
        def on_epoch_end(self, trainer: Trainer, epoch: int, metrics: dict) -> None:
            if epoch == 4:
                raise Crash

    def student() -> nn.Module:
        torch.manual_seed(1)
        return TinyTagger()

    full = fit(student(), data, tmp_path / "full")
    with pytest.raises(Crash):
        fit(student(), data, tmp_path / "crash", [CrashAt()])
    resumed = fit(student(), data, tmp_path / "crash", [Callback()])
    assert resumed.history == full.history
    for name, value in full.model.state_dict().items():
        assert torch.equal(resumed.model.state_dict()[name], value)


def test_soft_targets_round_trip_and_follow_the_students_label_order(tmp_path: Path) -> None:
    rows = [np.array([[0.7, 0.2, 0.1]]), np.array([[0.1, 0.1, 0.8], [0.5, 0.5, 0.0]])]
    reordered = [in_label_order(r, ["O", "B-PER", "X"], ["B-PER", "O"]) for r in rows]
    np.testing.assert_allclose(reordered[0], [[0.2 / 0.9, 0.7 / 0.9]], rtol=1e-6)
    targets = SoftTargets.from_rows(reordered, ["B-PER", "O"], 2.0)
    targets.save(tmp_path)
    loaded = SoftTargets.load(tmp_path)
    assert len(loaded) == 2 and loaded.labels == ["B-PER", "O"] and loaded.temperature == 2.0
    np.testing.assert_allclose(loaded.get(1), reordered[1], atol=1e-3)


def test_unlabeled_rows_add_the_teachers_term_but_no_gold_loss() -> None:
    torch.manual_seed(0)
    teacher = TinyTagger()
    batch = batches(teacher, 2.0, n=1)[0]
    torch.manual_seed(1)
    student = TinyTagger()
    objective = TaggingDistillation(alpha=0.3, temperature=2.0)
    gold = torch.tensor([1, 1, 0, 0])
    mixed = objective(student, {**batch, "gold": gold})
    # The gold loss is the labelled rows' alone; the divergence is over every row.
    with torch.no_grad():
        emissions = student({"chars": batch["chars"]})["emissions"]
        rows = gold.bool()
        expected_gold = student.head(emissions[rows], batch["labels"][rows], batch["mask"][rows])
        log_student = student.head.crf.log_marginals(emissions, batch["mask"], 2.0)
        expected_kd = kl_to_teacher(log_student, batch["soft"], batch["mask"]) * 4.0
    torch.testing.assert_close(mixed.detach(), 0.7 * expected_gold + 0.3 * expected_kd)
    # An unlabeled sentence's (the teacher's) labels change nothing; a gold one's do.
    relabelled = {**batch, "gold": gold, "labels": batch["labels"].clone()}
    relabelled["labels"][2:] = (relabelled["labels"][2:] + 1) % 3
    torch.testing.assert_close(objective(student, relabelled), mixed)
    all_gold = objective(student, {**batch, "gold": torch.ones(4, dtype=torch.int64)})
    torch.testing.assert_close(all_gold, objective(student, batch))  # no gold field: every row is gold
    none_gold = objective(student, {**batch, "gold": torch.zeros(4, dtype=torch.int64)})
    torch.testing.assert_close(none_gold.detach(), 0.3 * expected_kd)
