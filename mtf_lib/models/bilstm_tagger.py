"""BiLSTM tagger over char, char-bigram, soft-word and lexicon embeddings, with a CRF or softmax head."""

from __future__ import annotations

import torch
from torch import nn


class BiLSTMTagger(nn.Module):
    """Embeddings → BiLSTM → linear emissions → head (CRF or token softmax).

    Batch fields: ``chars`` [B, L]; optional ``bigrams`` [B, L, 2] (left and right char
    bigram ids), ``softwords`` and ``lexicon`` [B, L]; ``mask`` [B, L]; ``labels`` [B, L] (tag ids) when
    training.
    """

    def __init__(
        self,
        n_chars: int,
        n_tags: int,
        head: nn.Module,
        char_dim: int,
        hidden: int,
        layers: int = 1,
        dropout: float = 0.5,
        n_bigrams: int = 0,
        bigram_dim: int = 0,
        n_softwords: int = 0,
        softword_dim: int = 0,
        n_lexicon: int = 0,
        lexicon_dim: int = 0,
        unk_dropout: float = 0.0,
    ) -> None:
        super().__init__()
        self.char_embed = nn.Embedding(n_chars, char_dim, padding_idx=0)
        self.bigram_embed = nn.Embedding(n_bigrams, bigram_dim, padding_idx=0) if bigram_dim else None
        self.softword_embed = nn.Embedding(n_softwords, softword_dim, padding_idx=0) if softword_dim else None
        self.lexicon_embed = nn.Embedding(n_lexicon, lexicon_dim, padding_idx=0) if lexicon_dim else None
        width = char_dim + 2 * bigram_dim + softword_dim + lexicon_dim
        self.dropout = nn.Dropout(dropout)
        self.unk_dropout = unk_dropout
        self.lstm = nn.LSTM(
            width,
            hidden,
            num_layers=layers,
            batch_first=True,
            bidirectional=True,
            dropout=dropout if layers > 1 else 0.0,
        )
        self.emissions = nn.Linear(2 * hidden, n_tags)
        self.head = head

    def _as_unknown(self, ids: torch.Tensor) -> torch.Tensor:
        """While training, replace known ids by ``<unk>`` (id 1) at rate ``unk_dropout``, so the
        model learns to tag from context the characters it will not know at test time."""
        if not (self.training and self.unk_dropout):
            return ids
        drop = (torch.rand(ids.shape, device=ids.device) < self.unk_dropout) & (ids > 1)
        return ids.masked_fill(drop, 1)

    def features(self, batch: dict[str, torch.Tensor]) -> torch.Tensor:
        parts = [self.char_embed(self._as_unknown(batch["chars"]))]
        if self.bigram_embed is not None:
            parts.append(self.bigram_embed(self._as_unknown(batch["bigrams"])).flatten(2))
        if self.softword_embed is not None:
            parts.append(self.softword_embed(batch["softwords"]))
        if self.lexicon_embed is not None:
            parts.append(self.lexicon_embed(batch["lexicon"]))
        return self.dropout(torch.cat(parts, dim=-1))

    def forward(self, batch: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        x = self.features(batch)
        lengths = batch["mask"].sum(1).cpu()
        packed = nn.utils.rnn.pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
        out, _ = self.lstm(packed)
        out, _ = nn.utils.rnn.pad_packed_sequence(out, batch_first=True, total_length=x.size(1))
        emissions = self.emissions(self.dropout(out))
        result = {"emissions": emissions}
        if "labels" in batch:
            result["loss"] = self.head(emissions, batch["labels"], batch["mask"])
        return result

    @torch.no_grad()
    def decode(self, batch: dict[str, torch.Tensor]) -> list[list[int]]:
        batch = {k: v for k, v in batch.items() if k != "labels"}
        return self.head.decode(self.forward(batch)["emissions"], batch["mask"])
