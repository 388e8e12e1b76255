"""A pretrained encoder fine-tuned for text classification: encoder → pooling (``cls``: the
``[CLS]`` vector; ``mean``: the mean of the characters' vectors) → dropout → linear. Batch
fields: ``codepoints`` [B, L] (0 for padding); ``labels`` [B] when training."""

from __future__ import annotations

import torch
from torch import nn

from mtf_lib.encoders.module import FineTuned


class BertClassifier(FineTuned):
    def __init__(
        self,
        pretrained: str,
        n_classes: int,
        loss: nn.Module,
        pooling: str,
        dropout: float,
        encoder_lr: float,
        layer_lr_decay: float = 1.0,
        freeze: int = 0,
        gradient_checkpointing: bool = False,
    ) -> None:
        super().__init__(pretrained, encoder_lr, layer_lr_decay, freeze, gradient_checkpointing)
        self.pooling = pooling
        self.dropout = nn.Dropout(dropout)
        self.out = nn.Linear(self.encoder.hidden_size, n_classes)
        self.loss = loss

    def forward(self, batch: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        codepoints = batch["codepoints"]
        mask = codepoints > 0
        cls, chars = self.encoder.encode(codepoints, mask)
        pooled = cls if self.pooling == "cls" else chars.sum(1) / mask.sum(1, keepdim=True).clamp(min=1)
        logits = self.out(self.dropout(pooled)).float()
        result = {"logits": logits}
        if "labels" in batch:
            result["loss"] = self.loss(logits, batch["labels"])
        return result
