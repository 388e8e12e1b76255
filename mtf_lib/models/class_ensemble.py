"""An ensemble of text classifiers trained with different seeds, served as one model: the
members' class probabilities are averaged (its logits are the log of that mean, so a softmax of
them gives the mean probabilities back and their argmax is the ensemble's label)."""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn


class ClassifierEnsemble(nn.Module):
    def __init__(self, members: Sequence[nn.Module]) -> None:
        super().__init__()
        if not members:
            raise ValueError("an ensemble needs at least one member")
        self.members = nn.ModuleList(members)

    def forward(self, batch: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        inputs = {k: v for k, v in batch.items() if k != "labels"}
        return {"logits": mean_probability_logits([m(inputs)["logits"] for m in self.members])}


def mean_probability_logits(logits: Sequence[torch.Tensor]) -> torch.Tensor:
    """The log of the members' mean softmax probabilities: a softmax of it gives the mean back."""
    probabilities = torch.stack([torch.softmax(x.float(), dim=-1) for x in logits])
    return probabilities.mean(0).clamp_min(torch.finfo(torch.float32).tiny).log()
