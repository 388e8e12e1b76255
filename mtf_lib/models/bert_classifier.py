"""A pretrained encoder fine-tuned for text classification: the encoder's pooled vector (its
``pooling``, over every window of a long text) → dropout → linear. Batch fields: ``codepoints``
[B, L] (0 for padding); ``labels`` [B] when training."""

from __future__ import annotations

import torch
from torch import nn

from mtf_lib.encoders.module import FineTuned, TransformerEncoder


class BertClassifier(FineTuned):
    def __init__(self, encoder: TransformerEncoder, n_classes: int, loss: nn.Module, dropout: float) -> None:
        super().__init__(encoder)
        self.dropout = nn.Dropout(dropout)
        self.out = nn.Linear(encoder.hidden_size, n_classes)
        self.loss = loss

    def forward(self, batch: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        logits = self.out(self.dropout(self.encoder.pooled(batch["codepoints"]))).float()
        result = {"logits": logits}
        if "labels" in batch:
            result["loss"] = self.loss(logits, batch["labels"])
        return result
