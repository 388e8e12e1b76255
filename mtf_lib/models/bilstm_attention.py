"""BiLSTM with additive attention pooling (Yang et al., 2016, one level) for text classification."""

from __future__ import annotations

import torch
from torch import nn


class BiLSTMAttention(nn.Module):
    """Embeddings → BiLSTM → attention-weighted sum of the states → linear.

    Batch fields: ``tokens`` [B, L] and ``mask`` [B, L]; ``labels`` [B] when training. The
    LSTM runs on packed sequences and attention gives padding zero weight, so padding never
    changes the logits; an empty text pools to zeros.
    """

    def __init__(
        self,
        n_tokens: int,
        n_classes: int,
        loss: nn.Module,
        embed_dim: int,
        hidden: int,
        layers: int = 1,
        attention_dim: int = 64,
        dropout: float = 0.3,
    ) -> None:
        super().__init__()
        self.embed = nn.Embedding(n_tokens, embed_dim, padding_idx=0)
        self.lstm = nn.LSTM(
            embed_dim,
            hidden,
            num_layers=layers,
            batch_first=True,
            bidirectional=True,
            dropout=dropout if layers > 1 else 0.0,
        )
        self.attention = nn.Sequential(nn.Linear(2 * hidden, attention_dim), nn.Tanh(), nn.Linear(attention_dim, 1))
        self.dropout = nn.Dropout(dropout)
        self.out = nn.Linear(2 * hidden, n_classes)
        self.loss = loss

    def forward(self, batch: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        mask = batch["mask"]
        x = self.dropout(self.embed(batch["tokens"]))
        # Packing needs one step per text at least: an empty text runs over its padding slot,
        # which attention then ignores.
        lengths = mask.sum(1).clamp(min=1).cpu()
        packed = nn.utils.rnn.pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
        states, _ = self.lstm(packed)
        states, _ = nn.utils.rnn.pad_packed_sequence(states, batch_first=True, total_length=x.size(1))
        scores = self.attention(states).squeeze(-1)
        scores = scores.masked_fill(~mask, torch.finfo(scores.dtype).min)
        # exp(min - max) is exactly 0 next to any real token; "* mask" zeroes an empty text's row.
        weights = torch.softmax(scores, dim=-1) * mask
        pooled = (weights.unsqueeze(-1) * states).sum(1)
        logits = self.out(self.dropout(pooled))
        result = {"logits": logits}
        if "labels" in batch:
            result["loss"] = self.loss(logits, batch["labels"])
        return result
