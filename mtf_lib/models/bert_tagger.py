"""A pretrained encoder fine-tuned for character tagging: encoder → dropout → linear emissions →
a head (CRF or a softmax per character). Batch fields: ``codepoints`` and ``mask`` [B, L]
(``labels`` [B, L] when training)."""

from __future__ import annotations

import torch
from torch import nn

from mtf_lib.encoders.module import FineTuned


class BertTagger(FineTuned):
    def __init__(
        self,
        pretrained: str,
        n_tags: int,
        head: nn.Module,
        dropout: float,
        encoder_lr: float,
        layer_lr_decay: float = 1.0,
        freeze: int = 0,
        gradient_checkpointing: bool = False,
    ) -> None:
        super().__init__(pretrained, encoder_lr, layer_lr_decay, freeze, gradient_checkpointing)
        self.dropout = nn.Dropout(dropout)
        self.out = nn.Linear(self.encoder.hidden_size, n_tags)
        self.head = head

    def forward(self, batch: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        mask = batch["mask"]
        hidden = self.encoder(batch["codepoints"], mask)
        emissions = self.out(self.dropout(hidden)).float()
        result = {"emissions": emissions}
        if "labels" in batch:
            result["loss"] = self.head(emissions, batch["labels"], mask)
        return result

    @torch.no_grad()
    def decode(self, batch: dict[str, torch.Tensor]) -> list[list[int]]:
        inputs = {k: v for k, v in batch.items() if k != "labels"}
        return self.head.decode(self.forward(inputs)["emissions"], batch["mask"])
