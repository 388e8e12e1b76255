"""Pair models trained with different seeds, served as one: the members' scores are averaged
(kind score), or their label probabilities (kind label; the logits are the log of that mean)."""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from mtf_lib.models.class_ensemble import mean_probability_logits


class PairEnsemble(nn.Module):
    def __init__(self, members: Sequence[nn.Module]) -> None:
        super().__init__()
        if not members:
            raise ValueError("an ensemble needs at least one member")
        self.members = nn.ModuleList(members)

    def forward(self, batch: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        inputs = {k: v for k, v in batch.items() if k not in ("score", "labels")}
        outputs = [m(inputs) for m in self.members]
        if "logits" in outputs[0]:
            return {"logits": mean_probability_logits([o["logits"] for o in outputs])}
        return {"score": torch.stack([o["score"].float() for o in outputs]).mean(0)}
