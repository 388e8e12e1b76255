"""Parts every pair-scoring model shares: padding-safe pooling, the fusion MLP over a pair's
vector, its overlap features and its group, and the aggregation over a text's references.

Models score only the (text, reference) pairs that exist (``valid_pairs``), so a padded
reference never costs compute nor changes another row.
"""

from __future__ import annotations

import torch
from torch import nn

from mtf_lib.models.pair_types import PairTarget


def mean_max_pool(states: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """``[N, 2D]``: the mean and the max of ``states`` [N, L, D] over ``mask`` [N, L]; zeros for an empty text."""
    mask = mask.bool()
    keep = mask.unsqueeze(-1)
    lengths = mask.sum(1, keepdim=True)
    mean = (states * keep).sum(1) / lengths.clamp(min=1)
    top = states.masked_fill(~keep, torch.finfo(states.dtype).min).amax(1)
    top = torch.where(lengths > 0, top, torch.zeros_like(top))
    return torch.cat([mean, top], dim=-1)


def match_features(u: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
    """``[u, v, |u − v|, u ∗ v]`` (InferSent / Sentence-BERT): order, distance and agreement."""
    return torch.cat([u, v, (u - v).abs(), u * v], dim=-1)


def valid_pairs(ref_mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """(rows, refs): the batch row and reference index of every existing pair, row by row."""
    rows, refs = ref_mask.bool().nonzero(as_tuple=True)
    return rows, refs


class PairHead(nn.Module):
    """A pair's vector, fused with its lexical-overlap features and a learned group embedding
    (group 0, unknown, embeds to zeros), through a one-hidden-layer GELU MLP to the target's
    outputs, plus a linear ("wide") term of the features and group vector alone: the overlap
    features are strong on their own (a linear fit of them is a baseline), and the wide term
    keeps them from being drowned in the encoder's vector and the MLP's dropout."""

    def __init__(
        self,
        in_dim: int,
        target: PairTarget,
        hidden: int,
        dropout: float,
        n_features: int = 0,
        n_groups: int = 0,
        group_dim: int = 0,
    ) -> None:
        super().__init__()
        self.n_features = n_features
        self.group = nn.Embedding(max(n_groups, 1), group_dim, padding_idx=0) if group_dim else None
        width = in_dim + n_features + group_dim
        self.mlp = nn.Sequential(
            nn.Dropout(dropout),
            nn.Linear(width, hidden),
            nn.GELU(),  # no unit dies, as a ReLU's can in a narrow MLP, freezing the output
            nn.Dropout(dropout),
            nn.Linear(hidden, target.outputs),
        )
        side = n_features + group_dim
        self.wide = nn.Linear(side, target.outputs) if side else None

    def forward(
        self, pairs: torch.Tensor, batch: dict[str, torch.Tensor], rows: torch.Tensor, refs: torch.Tensor
    ) -> torch.Tensor:
        """``[N, outputs]`` for the pairs ``(rows, refs)`` whose vectors are ``pairs`` [N, D]."""
        parts = [pairs]
        if self.n_features:
            features = batch["features"]
            if features.size(-1) != self.n_features:
                raise ValueError(f"the batch has {features.size(-1)} pair features, the model {self.n_features}")
            parts.append(features[rows, refs].to(pairs.dtype))
        if self.group is not None:
            groups = batch["group"][rows]
            # A group unseen in training (id beyond the table) is unknown.
            groups = torch.where(groups < self.group.num_embeddings, groups, torch.zeros_like(groups))
            parts.append(self.group(groups))
        out = self.mlp(torch.cat(parts, dim=-1))
        if self.wide is not None:
            out = out + self.wide(torch.cat(parts[1:], dim=-1))
        return out


def pair_outputs(
    per_pair: torch.Tensor,
    rows: torch.Tensor,
    refs: torch.Tensor,
    batch: dict[str, torch.Tensor],
    target: PairTarget,
    loss: nn.Module,
) -> dict[str, torch.Tensor]:
    """The model's output from ``per_pair`` [N, outputs] (the pairs ``(rows, refs)``).

    ``score``: ``pair_scores`` [B, R] (0 where there is no reference) and ``score`` [B], their max
    over the references; ``label``: ``pair_logits`` [B, R, K] and ``logits`` [B, K], their mean over
    the references. The loss is taken on the aggregate when the batch holds targets.
    """
    ref_mask = batch["ref_mask"].bool()
    full = per_pair.new_zeros((*ref_mask.shape, per_pair.size(-1)))
    full = full.index_put((rows, refs), per_pair).float()
    if target.kind == "score":
        pair_scores = full[..., 0]
        score = pair_scores.masked_fill(~ref_mask, float("-inf")).amax(1)
        score = torch.where(ref_mask.any(1), score, torch.zeros_like(score))  # no row lacks ref 0; never -inf
        result = {"score": score, "pair_scores": pair_scores}
        if "score" in batch:
            result["loss"] = loss(score, batch["score"])
        return result
    counts = ref_mask.sum(1, keepdim=True).clamp(min=1)
    logits = (full * ref_mask.unsqueeze(-1)).sum(1) / counts
    result = {"logits": logits, "pair_logits": full}
    if "labels" in batch:
        result["loss"] = loss(logits, batch["labels"])
    return result
