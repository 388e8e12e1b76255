"""Pretrained encoders fine-tuned to score pairs. Both read the batch's code points
(``a_codepoints`` [B, La], ``b_codepoints`` [B, R, Lb]; 0 for padding) through the encoder's own
tokenizer, and subclass ``FineTuned`` so that the Trainer gives the encoder its own rates.

- ``BertCrossEncoder``: the tokenizer's pair encoding (``[CLS] a [SEP] b [SEP]`` for BERT) in one
  pass, its first token's vector (or the pooling set) → dropout → linear: one pass per pair.
- ``BertBiEncoder``: each text alone, pooled as the encoder says; the cosine of the two vectors
  (or the shared fusion MLP over ``[u, v, |u − v|, u ∗ v]``): texts encode independently, so
  references can be cached and compared cheaply.
"""

from __future__ import annotations

import torch
from torch import nn

from mtf_lib.encoders.module import FineTuned, TransformerEncoder
from mtf_lib.models.pair_head import PairHead, match_features, pair_outputs, valid_pairs
from mtf_lib.models.pair_types import PairTarget


class BertCrossEncoder(FineTuned):
    def __init__(self, encoder: TransformerEncoder, target: PairTarget, loss: nn.Module, dropout: float) -> None:
        super().__init__(encoder)
        self.target = target
        self.dropout = nn.Dropout(dropout)
        self.out = nn.Linear(self.encoder.hidden_size, target.outputs)
        self.loss = loss

    def forward(self, batch: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        rows, refs = valid_pairs(batch["ref_mask"])
        a = batch["a_codepoints"][rows]
        b = batch["b_codepoints"][rows, refs]
        pooled = self.encoder.pair(a, b)
        per_pair = self.out(self.dropout(pooled)).float()
        return pair_outputs(per_pair, rows, refs, batch, self.target, self.loss)


class BertBiEncoder(FineTuned):
    """``head``: ``cosine`` (score kind only; no parameters beyond the encoder's) or ``mlp``."""

    def __init__(
        self,
        encoder: TransformerEncoder,
        target: PairTarget,
        loss: nn.Module,
        head: str,
        dropout: float,
        hidden: int = 256,
        n_features: int = 0,
        n_groups: int = 0,
        group_dim: int = 0,
    ) -> None:
        super().__init__(encoder)
        if head not in ("cosine", "mlp"):
            raise ValueError(f"head {head!r} is not cosine or mlp")
        if head == "cosine" and target.kind != "score":
            raise ValueError("a cosine head gives one score, not label logits: set head: mlp")
        self.target = target
        self.head_kind = head
        size = self.encoder.hidden_size
        self.head = (
            PairHead(4 * size, target, hidden, dropout, n_features, n_groups, group_dim) if head == "mlp" else None
        )
        self.loss = loss

    def forward(self, batch: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        rows, refs = valid_pairs(batch["ref_mask"])
        u = self.encoder.pooled(batch["a_codepoints"])[rows].float()
        v = self.encoder.pooled(batch["b_codepoints"][rows, refs]).float()
        if self.head is None:
            per_pair = nn.functional.cosine_similarity(u, v, dim=-1).unsqueeze(-1)
        else:
            per_pair = self.head(match_features(u, v), batch, rows, refs).float()
        return pair_outputs(per_pair, rows, refs, batch, self.target, self.loss)
