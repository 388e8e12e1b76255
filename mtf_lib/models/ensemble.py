"""Members trained with different seeds, served as one model.

Each output the members share is combined by what it means: class ``logits`` through the
members' mean probabilities (the ensemble's logits are the log of that mean, so a softmax of
them gives the mean back and their argmax is the ensemble's label); tag ``emissions`` and pair
``score`` by their mean.

A tagger ensemble decodes with the members' mean scores: their emissions, and for CRF heads
their start, end and transition scores. A CRF's path score is linear in those, so the ensemble
picks the path with the best mean score over the members, and stays a proper CRF (its paths
obey the transitions every member learnt).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import torch
from torch import nn

from mtf_lib.models.crf import CRF
from mtf_lib.models.heads import CRFLoss

CRF_SCORES = ("start", "end", "transitions")
TARGETS = ("labels", "score")  # a batch's gold values: not the members' inputs


def mean_probability_logits(logits: Sequence[torch.Tensor]) -> torch.Tensor:
    """The log of the members' mean softmax probabilities: a softmax of it gives the mean back."""
    probabilities = torch.stack([torch.softmax(x.float(), dim=-1) for x in logits])
    return probabilities.mean(0).clamp_min(torch.finfo(torch.float32).tiny).log()


def mean(values: Sequence[torch.Tensor]) -> torch.Tensor:
    return torch.stack([v.float() for v in values]).mean(0)


COMBINE: dict[str, Callable[[Sequence[torch.Tensor]], torch.Tensor]] = {
    "logits": mean_probability_logits,
    "emissions": mean,
    "score": mean,
}


class Ensemble(nn.Module):
    def __init__(self, members: Sequence[nn.Module]) -> None:
        super().__init__()
        if not members:
            raise ValueError("an ensemble needs at least one member")
        self.members = nn.ModuleList(members)

    def forward(self, batch: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        inputs = {k: v for k, v in batch.items() if k not in TARGETS}
        outputs = [m(inputs) for m in self.members]
        return {key: combine([o[key] for o in outputs]) for key, combine in COMBINE.items() if key in outputs[0]}


class TaggerEnsemble(Ensemble):
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
        mean_crf = CRFLoss(crfs[0].transitions.size(0)).to(crfs[0].transitions.device)
        for name in CRF_SCORES:
            getattr(mean_crf.crf, name).data.copy_(torch.stack([getattr(c, name).detach() for c in crfs]).mean(0))
        return mean_crf
