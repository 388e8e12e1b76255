"""Sequence-labelling output heads: each gives a training loss and a decoder.

A tagger owns one as its ``head``: ``head(emissions, tags, mask)`` is the loss,
``head.decode(emissions, mask)`` the best tag path of each sequence.
"""

from __future__ import annotations

import torch
from torch import nn

from mtf_lib.models.crf import CRF


class CRFLoss(nn.Module):
    def __init__(self, num_tags: int) -> None:
        super().__init__()
        self.crf = CRF(num_tags)

    def forward(self, emissions: torch.Tensor, tags: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        return self.crf.neg_log_likelihood(emissions, tags, mask).mean()

    def decode(self, emissions: torch.Tensor, mask: torch.Tensor) -> list[list[int]]:
        return self.crf.decode(emissions, mask)


class TokenCrossEntropy(nn.Module):
    def __init__(self, label_smoothing: float = 0.0) -> None:
        super().__init__()
        self.label_smoothing = label_smoothing

    def forward(self, emissions: torch.Tensor, tags: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        mask = mask.bool()
        return nn.functional.cross_entropy(emissions[mask].float(), tags[mask], label_smoothing=self.label_smoothing)

    @torch.no_grad()
    def decode(self, emissions: torch.Tensor, mask: torch.Tensor) -> list[list[int]]:
        best = emissions.argmax(-1).tolist()
        return [seq[:n] for seq, n in zip(best, mask.sum(1).tolist(), strict=True)]
