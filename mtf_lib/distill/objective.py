"""The student's objective: ``(1 - alpha) * gold loss + alpha * T² * KL(teacher ‖ student)``.

The divergence is between the teacher's soft targets (at temperature ``T``) and the student's
distribution at the same temperature: a CRF student's per-character tag marginals
(forward-backward), a softmax student's probabilities. ``T²`` keeps the divergence's gradients
on the scale of the gold loss's (Hinton et al., 2015). Batches carry the targets as ``soft``
and ``gold``: the gold loss is over the examples with gold labels only, the divergence over
all of them (the teacher's unlabeled sentences among them).
"""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

SOFT = "soft"
GOLD = "gold"  # 1: the example's labels are gold; 0: an unlabeled sentence's (the teacher's)


def kl_to_teacher(student_log: torch.Tensor, teacher: torch.Tensor, weight: torch.Tensor) -> torch.Tensor:
    """Mean over weighted rows of KL(teacher ‖ student); ``student_log`` log-probabilities."""
    teacher = teacher.float()
    kl = (teacher * (torch.log(teacher.clamp_min(1e-8)) - student_log)).sum(-1)
    weight = weight.float()
    return (kl * weight).sum() / weight.sum().clamp_min(1.0)


def student_log_marginals(model: nn.Module, emissions: torch.Tensor, mask: torch.Tensor, t: float) -> torch.Tensor:
    """A tagger's per-character log-distribution over tags at temperature ``t``."""
    crf = getattr(model.head, "crf", None)
    if crf is not None:
        return crf.log_marginals(emissions, mask, t)
    return torch.log_softmax(emissions.float() / t, dim=-1)


def gold_rows(batch: dict[str, Any]) -> torch.Tensor | None:
    """The batch's rows with gold labels (None: all of them)."""
    gold = batch.get(GOLD)
    return None if gold is None or bool(gold.all()) else gold.bool()


class TaggingDistillation:
    def __init__(self, alpha: float, temperature: float) -> None:
        self.alpha, self.temperature = alpha, temperature

    def __call__(self, model: nn.Module, batch: dict[str, Any]) -> torch.Tensor:
        inner = getattr(model, "module", model)  # DDP wraps the model; its head is the inner one's
        inputs = {k: v for k, v in batch.items() if k not in ("labels", SOFT, GOLD)}
        emissions = model(inputs)["emissions"]
        mask, labels, rows = batch["mask"], batch["labels"], gold_rows(batch)
        if rows is None:
            gold = inner.head(emissions, labels, mask)
        elif rows.any():
            gold = inner.head(emissions[rows], labels[rows], mask[rows])
        else:
            gold = emissions.sum() * 0.0
        student = student_log_marginals(inner, emissions, mask, self.temperature)
        kd = kl_to_teacher(student, batch[SOFT], mask) * self.temperature**2
        return (1 - self.alpha) * gold + self.alpha * kd


class ClassificationDistillation:
    def __init__(self, alpha: float, temperature: float) -> None:
        self.alpha, self.temperature = alpha, temperature

    def __call__(self, model: nn.Module, batch: dict[str, Any]) -> torch.Tensor:
        inner = getattr(model, "module", model)
        rows = gold_rows(batch)
        if rows is None:
            out = model({k: v for k, v in batch.items() if k not in (SOFT, GOLD)})
            gold = out["loss"]
        else:
            out = model({k: v for k, v in batch.items() if k not in (SOFT, GOLD, "labels")})
            gold = inner.loss(out["logits"][rows], batch["labels"][rows]) if rows.any() else out["logits"].sum() * 0.0
        student = torch.log_softmax(out["logits"].float() / self.temperature, dim=-1)
        weight = torch.ones(student.size(0), device=student.device)
        kd = kl_to_teacher(student, batch[SOFT], weight) * self.temperature**2
        return (1 - self.alpha) * gold + self.alpha * kd
