"""Registered sequence-labelling output layers: each gives a loss and a decoder.

A tagger owns one of these as its head: ``nll(emissions, tags, mask)`` for training and
``decode(emissions, mask)`` for prediction.
"""

from __future__ import annotations

from typing import Annotated

import torch
from pydantic import Field
from torch import nn

from mtf_lib import registry
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


@registry.losses("crf_nll.v1")
def crf_nll(num_tags: int) -> CRFLoss:
    """Linear-chain CRF negative log-likelihood; Viterbi decoding."""
    return CRFLoss(num_tags)


@registry.losses("token_cross_entropy.v1")
def token_cross_entropy(
    num_tags: int, *, label_smoothing: Annotated[float, Field(ge=0, lt=1)] = 0.0
) -> TokenCrossEntropy:
    """Independent per-token softmax; greedy decoding."""
    return TokenCrossEntropy(label_smoothing)
