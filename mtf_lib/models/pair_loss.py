"""Losses of pair-scoring models on their aggregated score: ``loss(pred [B], target [B])``."""

from __future__ import annotations

import torch
from torch import nn


class ScoreMSE(nn.Module):
    """Mean squared error against the target score mapped to [0, 1]."""

    def forward(self, pred: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        # float(): under bf16/fp16 autocast the loss is taken in full precision.
        return nn.functional.mse_loss(pred.float(), target.float())


def cosent(pred: torch.Tensor, target: torch.Tensor, scale: float = 20.0) -> torch.Tensor:
    """CoSENT (Su, 2022): ``log(1 + Σ_{i,j: y_i > y_j} exp(scale · (s_j − s_i)))`` over the batch.

    Only the order of the scores matters, not their values, so it fits a cosine or any raw
    output; pairs of equal targets add nothing. Taken by logsumexp (with the 1 as a 0 logit),
    so large scales never overflow.
    """
    s, y = pred.float(), target.float()
    diff = scale * (s[None, :] - s[:, None])  # [i, j]: scale · (s_j − s_i)
    ordered = y[:, None] > y[None, :]
    terms = diff.masked_fill(~ordered, float("-inf")).flatten()
    return torch.logsumexp(torch.cat([terms.new_zeros(1), terms]), dim=0)


class CoSENT(nn.Module):
    """The CoSENT ranking loss over every pair of the batch (see ``cosent``)."""

    def __init__(self, scale: float = 20.0) -> None:
        super().__init__()
        self.scale = scale

    def forward(self, pred: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        return cosent(pred, target, self.scale)
