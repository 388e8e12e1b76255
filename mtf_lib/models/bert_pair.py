"""Pretrained encoders fine-tuned to score pairs. Both read the batch's code points
(``a_codepoints`` [B, La], ``b_codepoints`` [B, R, Lb]; 0 for padding) through the encoder's own
vocabulary, and subclass ``FineTuned`` so that the Trainer gives the encoder its own rates.

- ``BertCrossEncoder``: ``[CLS] a [SEP] b [SEP]`` in one pass, the ``[CLS]`` vector → dropout →
  linear: the most accurate, one encoder pass per pair.
- ``BertBiEncoder``: each text alone, mean-pooled; the cosine of the two vectors (or the shared
  fusion MLP over ``[u, v, |u − v|, u ∗ v]``): texts encode independently, so references can be
  cached and compared cheaply.
"""

from __future__ import annotations

import torch
from torch import nn

from mtf_lib.encoders.module import FineTuned
from mtf_lib.models.pair_head import PairHead, match_features, pair_outputs, valid_pairs
from mtf_lib.models.pair_types import PairTarget


class BertCrossEncoder(FineTuned):
    def __init__(
        self,
        pretrained: str,
        target: PairTarget,
        loss: nn.Module,
        dropout: float,
        encoder_lr: float,
        layer_lr_decay: float = 1.0,
        freeze: int = 0,
        gradient_checkpointing: bool = False,
    ) -> None:
        super().__init__(pretrained, encoder_lr, layer_lr_decay, freeze, gradient_checkpointing)
        self.target = target
        self.dropout = nn.Dropout(dropout)
        self.out = nn.Linear(self.encoder.hidden_size, target.outputs)
        self.loss = loss

    def forward(self, batch: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        rows, refs = valid_pairs(batch["ref_mask"])
        a = batch["a_codepoints"][rows]
        b = batch["b_codepoints"][rows, refs]
        cls = self.encoder.encode_pair(a, a > 0, b, b > 0)
        per_pair = self.out(self.dropout(cls)).float()
        return pair_outputs(per_pair, rows, refs, batch, self.target, self.loss)


def mean_of(chars: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """``[N, H]``: the mean of the characters' vectors (they are zeros at padding)."""
    return chars.sum(1) / mask.sum(1, keepdim=True).clamp(min=1)


class BertBiEncoder(FineTuned):
    """``head``: ``cosine`` (score kind only; no parameters beyond the encoder's) or ``mlp``."""

    def __init__(
        self,
        pretrained: str,
        target: PairTarget,
        loss: nn.Module,
        head: str,
        dropout: float,
        encoder_lr: float,
        layer_lr_decay: float = 1.0,
        freeze: int = 0,
        gradient_checkpointing: bool = False,
        hidden: int = 256,
        n_features: int = 0,
        n_groups: int = 0,
        group_dim: int = 0,
    ) -> None:
        super().__init__(pretrained, encoder_lr, layer_lr_decay, freeze, gradient_checkpointing)
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

    def _vectors(self, codepoints: torch.Tensor) -> torch.Tensor:
        # Without the padding columns: the encoder's windows follow the batch's width, so that
        # padding alone never sends a text through windows it would not go through by itself.
        codepoints = codepoints[:, : max(1, int((codepoints > 0).sum(1).max()))]
        mask = codepoints > 0
        return mean_of(self.encoder(codepoints, mask), mask)

    def forward(self, batch: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        rows, refs = valid_pairs(batch["ref_mask"])
        u = self._vectors(batch["a_codepoints"])[rows].float()
        v = self._vectors(batch["b_codepoints"][rows, refs]).float()
        if self.head is None:
            per_pair = nn.functional.cosine_similarity(u, v, dim=-1).unsqueeze(-1)
        else:
            per_pair = self.head(match_features(u, v), batch, rows, refs).float()
        return pair_outputs(per_pair, rows, refs, batch, self.target, self.loss)
