"""TaggerEnsemble: decoding on the members' mean scores, checked against brute force."""

from __future__ import annotations

import itertools

import torch
from torch import nn

from mtf_lib.models.ensemble import TaggerEnsemble
from mtf_lib.models.heads import CRFLoss, TokenCrossEntropy

NUM_TAGS, LENGTHS = 3, [4, 2]


class FixedTagger(nn.Module):
    """A member whose emissions are fixed numbers (the ensemble only reads emissions and head)."""

    def __init__(self, emissions: torch.Tensor, head: nn.Module) -> None:
        super().__init__()
        self.fixed = nn.Parameter(emissions)
        self.head = head

    def forward(self, batch: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        return {"emissions": self.fixed}


def crf_member(seed: int) -> FixedTagger:
    torch.manual_seed(seed)
    head = CRFLoss(NUM_TAGS)
    with torch.no_grad():
        for p in (head.crf.start, head.crf.end, head.crf.transitions):
            p.normal_(0, 1.0)
    return FixedTagger(torch.randn(len(LENGTHS), max(LENGTHS), NUM_TAGS) * 2, head)


def batch() -> dict[str, torch.Tensor]:
    mask = torch.arange(max(LENGTHS)).unsqueeze(0) < torch.tensor(LENGTHS).unsqueeze(1)
    return {"chars": torch.zeros(mask.shape, dtype=torch.long), "mask": mask}


def path_score(member: FixedTagger, row: int, path: tuple[int, ...]) -> float:
    crf, emissions = member.head.crf, member.fixed[row]
    total = crf.start[path[0]] + emissions[0, path[0]] + crf.end[path[-1]]
    for i in range(1, len(path)):
        total = total + crf.transitions[path[i - 1], path[i]] + emissions[i, path[i]]
    return float(total.detach())


def test_crf_ensemble_picks_the_path_with_the_best_mean_score() -> None:
    members = [crf_member(seed) for seed in (1, 2, 3)]
    decoded = TaggerEnsemble(members).decode(batch())
    for row, length in enumerate(LENGTHS):
        paths = list(itertools.product(range(NUM_TAGS), repeat=length))
        best = max(paths, key=lambda p: sum(path_score(m, row, p) for m in members))
        assert tuple(decoded[row]) == best


def test_one_member_or_identical_members_decode_as_the_member() -> None:
    member = crf_member(7)
    expected = member.head.decode(member.fixed, batch()["mask"])
    assert TaggerEnsemble([member]).decode(batch()) == expected
    twin = crf_member(7)
    assert TaggerEnsemble([member, twin]).decode(batch()) == expected


def test_softmax_heads_decode_the_mean_emissions() -> None:
    torch.manual_seed(0)
    members = [FixedTagger(torch.randn(2, 4, NUM_TAGS), TokenCrossEntropy()) for _ in range(2)]
    mean = (members[0].fixed + members[1].fixed) / 2
    assert TaggerEnsemble(members).decode(batch()) == members[0].head.decode(mean, batch()["mask"])


def test_state_dict_holds_every_member() -> None:
    ensemble = TaggerEnsemble([crf_member(1), crf_member(2)])
    keys = set(ensemble.state_dict())
    assert {"members.0.fixed", "members.1.fixed", "members.1.head.crf.transitions"} <= keys
