"""Registered losses (sequence-labelling heads). Factories import torch lazily, so that
params validation and ``mtf components`` stay fast."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

from pydantic import Field

from mtf_lib import registry

if TYPE_CHECKING:
    from mtf_lib.models.heads import CRFLoss, TokenCrossEntropy


@registry.losses("crf_nll.v1")
def crf_nll(num_tags: int) -> CRFLoss:
    """Linear-chain CRF negative log-likelihood; Viterbi decoding."""
    from mtf_lib.models.heads import CRFLoss

    return CRFLoss(num_tags)


@registry.losses("token_cross_entropy.v1")
def token_cross_entropy(
    num_tags: int, *, label_smoothing: Annotated[float, Field(ge=0, lt=1)] = 0.0
) -> TokenCrossEntropy:
    """Independent per-token softmax; greedy decoding."""
    from mtf_lib.models.heads import TokenCrossEntropy

    return TokenCrossEntropy(label_smoothing)
