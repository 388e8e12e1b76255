"""ESIM (Chen et al., 2017) pair scorer: the text and a reference attend to each other, so a
score can rest on which characters align, not only on two sentence vectors.

BiLSTM-encode both → soft-align (each side attends over the other's real tokens) → enhance
``[x, x̃, x − x̃, x ∗ x̃]`` → project → compose with a second BiLSTM → mean+max pool both → the
shared fusion MLP (overlap features, group) → a score or logits per pair.
"""

from __future__ import annotations

import torch
from torch import nn

from mtf_lib.models.pair_head import PairHead, mean_max_pool, pair_outputs, valid_pairs
from mtf_lib.models.pair_types import PairTarget
from mtf_lib.models.siamese import run_lstm


def soft_align(
    x: torch.Tensor, x_mask: torch.Tensor, y: torch.Tensor, y_mask: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor]:
    """(x̃ [N, Lx, D], ỹ [N, Ly, D]): each token's attention-weighted sum of the other side's
    real tokens (zeros where that side is empty); padding gets exactly zero weight."""
    energy = torch.bmm(x, y.transpose(1, 2))  # [N, Lx, Ly]
    lowest = torch.finfo(energy.dtype).min
    # exp(min - max) is exactly 0 next to any real token; "* mask" zeroes an empty side's weights.
    to_y = torch.softmax(energy.masked_fill(~y_mask[:, None, :], lowest), dim=2) * y_mask[:, None, :]
    to_x = torch.softmax(energy.masked_fill(~x_mask[:, :, None], lowest), dim=1) * x_mask[:, :, None]
    return torch.bmm(to_y, y), torch.bmm(to_x.transpose(1, 2), x)


class ESIMScorer(nn.Module):
    """Batch fields as ``SiameseScorer``'s. ``hidden``: each LSTM direction's size (and the MLP's)."""

    def __init__(
        self,
        n_tokens: int,
        target: PairTarget,
        loss: nn.Module,
        embed_dim: int,
        hidden: int,
        dropout: float = 0.3,
        use_context: bool = False,
        n_features: int = 0,
        n_groups: int = 0,
        group_dim: int = 0,
    ) -> None:
        super().__init__()
        self.target = target
        self.use_context = use_context
        self.embed = nn.Embedding(n_tokens, embed_dim, padding_idx=0)
        self.dropout = nn.Dropout(dropout)
        self.encode = nn.LSTM(embed_dim, hidden, batch_first=True, bidirectional=True)
        self.project = nn.Sequential(nn.Linear(8 * hidden, hidden), nn.ReLU())
        self.compose = nn.LSTM(hidden, hidden, batch_first=True, bidirectional=True)
        in_dim = 8 * hidden + (4 * hidden if use_context else 0)
        self.head = PairHead(in_dim, target, hidden, dropout, n_features, n_groups, group_dim)
        self.loss = loss

    def _states(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        return run_lstm(self.encode, self.dropout(self.embed(ids)), mask)

    def _composed(self, x: torch.Tensor, aligned: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        enhanced = torch.cat([x, aligned, x - aligned, x * aligned], dim=-1)
        states = run_lstm(self.compose, self.dropout(self.project(enhanced)), mask)
        return mean_max_pool(states, mask)

    def forward(self, batch: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        rows, refs = valid_pairs(batch["ref_mask"])
        a_mask = batch["a_mask"].bool()[rows]
        b_mask = batch["b_mask"].bool()[rows, refs]
        a = self._states(batch["a"], batch["a_mask"].bool())[rows]
        b = self._states(batch["b"][rows, refs], b_mask)
        a_aligned, b_aligned = soft_align(a, a_mask, b, b_mask)
        parts = [self._composed(a, a_aligned, a_mask), self._composed(b, b_aligned, b_mask)]
        if self.use_context:
            context_mask = batch["context_mask"].bool()
            parts.append(mean_max_pool(self._states(batch["context"], context_mask), context_mask)[rows])
        per_pair = self.head(torch.cat(parts, dim=-1), batch, rows, refs)
        return pair_outputs(per_pair, rows, refs, batch, self.target, self.loss)
