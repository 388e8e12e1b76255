"""An ensemble of taggers trained with different seeds, decoded as one model.

The members' scores are averaged before decoding: their emissions, and for CRF heads their
start, end and transition scores. A CRF's path score is linear in those, so the ensemble picks
the path with the best mean score over the members, and stays a proper CRF (its paths obey
the transitions every member learnt).
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from mtf_lib.models.crf import CRF
from mtf_lib.models.heads import CRFLoss

CRF_SCORES = ("start", "end", "transitions")


class TaggerEnsemble(nn.Module):
    def __init__(self, members: Sequence[nn.Module]) -> None:
        super().__init__()
        if not members:
            raise ValueError("an ensemble needs at least one member")
        self.members = nn.ModuleList(members)

    def forward(self, batch: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        inputs = {k: v for k, v in batch.items() if k != "labels"}
        return {"emissions": torch.stack([m(inputs)["emissions"] for m in self.members]).mean(0)}

    @torch.no_grad()
    def decode(self, batch: dict[str, torch.Tensor]) -> list[list[int]]:
        emissions = self.forward(batch)["emissions"]
        return self.mean_head().decode(emissions, batch["mask"])

    def mean_head(self) -> nn.Module:
        """The first member's head, or for CRF heads a CRF holding the members' mean scores."""
        heads = [m.head for m in self.members]
        if not all(isinstance(getattr(h, "crf", None), CRF) for h in heads):
            return heads[0]
        crfs = [h.crf for h in heads]
        mean = CRFLoss(crfs[0].transitions.size(0)).to(crfs[0].transitions.device)
        for name in CRF_SCORES:
            getattr(mean.crf, name).data.copy_(torch.stack([getattr(c, name).detach() for c in crfs]).mean(0))
        return mean
