"""TextCNN (Kim, 2014): token embeddings → 1-D convolutions of several widths → max over time → linear."""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn


class TextCNN(nn.Module):
    """Batch fields: ``tokens`` [B, L] and ``mask`` [B, L]; ``labels`` [B] when training.

    Padding never changes the logits: padded embeddings are zeroed (the convolutions see them as
    their own zero padding) and only windows that touch a real token are pooled.
    """

    def __init__(
        self,
        n_tokens: int,
        n_classes: int,
        loss: nn.Module,
        embed_dim: int,
        filters: int,
        kernel_sizes: Sequence[int],
        dropout: float = 0.5,
    ) -> None:
        super().__init__()
        self.embed = nn.Embedding(n_tokens, embed_dim, padding_idx=0)
        # padding=k-1: output j covers inputs j-k+1..j, so texts shorter than k still get windows.
        self.convs = nn.ModuleList(nn.Conv1d(embed_dim, filters, k, padding=k - 1) for k in kernel_sizes)
        self.dropout = nn.Dropout(dropout)
        self.out = nn.Linear(filters * len(kernel_sizes), n_classes)
        self.loss = loss

    def forward(self, batch: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        mask = batch["mask"]
        x = self.embed(batch["tokens"]) * mask.unsqueeze(-1)
        x = self.dropout(x).transpose(1, 2)  # [B, E, L]
        lengths = mask.sum(1, keepdim=True)
        pooled = []
        for conv in self.convs:
            k = conv.kernel_size[0]
            h = torch.relu(conv(x))  # [B, F, L + k - 1]
            steps = torch.arange(h.size(-1), device=h.device)
            touches_text = (steps < lengths + k - 1) & (lengths > 0)
            # After ReLU every value is >= 0, so zeroing the other windows leaves the max unchanged
            # (and an empty text pools to zeros).
            pooled.append((h * touches_text.unsqueeze(1)).amax(-1))
        logits = self.out(self.dropout(torch.cat(pooled, dim=-1)))
        result = {"logits": logits}
        if "labels" in batch:
            result["loss"] = self.loss(logits, batch["labels"])
        return result
