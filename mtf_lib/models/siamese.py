"""Siamese pair scorer: one shared text encoder (BiLSTM or CNN, mean+max pooled) over the text
and each reference, ``[u, v, |u − v|, u ∗ v]`` fused with overlap features and the group → MLP."""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from mtf_lib.models.pair_head import PairHead, match_features, mean_max_pool, pair_outputs, valid_pairs
from mtf_lib.models.pair_types import PairTarget


def run_lstm(lstm: nn.LSTM, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """``lstm``'s states over ``x`` [N, L, E], packed so padding never reaches a real step (zeros there)."""
    # Packing needs one step per text at least: an empty text runs over its padding slot, which pooling ignores.
    lengths = mask.sum(1).clamp(min=1).cpu()
    packed = nn.utils.rnn.pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
    states, _ = lstm(packed)
    states, _ = nn.utils.rnn.pad_packed_sequence(states, batch_first=True, total_length=x.size(1))
    return states


class TextEncoder(nn.Module):
    """Token ids [N, L] → one vector [N, ``dim``]: a BiLSTM's states or ReLU convolutions of
    several widths, mean- and max-pooled over the real tokens (an empty text gives zeros)."""

    def __init__(
        self,
        n_tokens: int,
        embed_dim: int,
        hidden: int,
        encoder: str = "bilstm",
        kernel_sizes: Sequence[int] = (2, 3, 4),
        dropout: float = 0.2,
    ) -> None:
        super().__init__()
        if encoder not in ("bilstm", "cnn"):
            raise ValueError(f"encoder {encoder!r} is not bilstm or cnn")
        self.embed = nn.Embedding(n_tokens, embed_dim, padding_idx=0)
        self.dropout = nn.Dropout(dropout)
        self.kind = encoder
        if encoder == "bilstm":
            self.lstm = nn.LSTM(embed_dim, hidden, batch_first=True, bidirectional=True)
            self.dim = 4 * hidden
        else:
            # padding=k-1: output j covers inputs j-k+1..j, so texts shorter than k still get windows.
            self.convs = nn.ModuleList(nn.Conv1d(embed_dim, hidden, k, padding=k - 1) for k in kernel_sizes)
            self.dim = 2 * hidden * len(kernel_sizes)

    def forward(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        mask = mask.bool()
        x = self.dropout(self.embed(ids) * mask.unsqueeze(-1))
        if self.kind == "bilstm":
            return mean_max_pool(run_lstm(self.lstm, x, mask), mask)
        lengths = mask.sum(1, keepdim=True)
        pooled = []
        for conv in self.convs:
            k = conv.kernel_size[0]
            h = torch.relu(conv(x.transpose(1, 2))).transpose(1, 2)  # [N, L + k - 1, F]
            steps = torch.arange(h.size(1), device=h.device)
            # Windows touching a real token; padding is zeroed, so these never see beyond the text.
            touches_text = (steps[None, :] < lengths + k - 1) & (lengths > 0)
            pooled.append(mean_max_pool(h, touches_text))
        return torch.cat(pooled, dim=-1)


class SiameseScorer(nn.Module):
    """Batch fields (``mtf_lib.models.pair_scorers``): ``a``/``a_mask``, ``b``/``b_mask``,
    ``ref_mask``, ``context``/``context_mask`` (``use_context``), ``features``, ``group``."""

    def __init__(
        self,
        n_tokens: int,
        target: PairTarget,
        loss: nn.Module,
        embed_dim: int,
        hidden: int,
        encoder: str = "bilstm",
        kernel_sizes: Sequence[int] = (2, 3, 4),
        dropout: float = 0.2,
        use_context: bool = False,
        n_features: int = 0,
        n_groups: int = 0,
        group_dim: int = 0,
    ) -> None:
        super().__init__()
        self.target = target
        self.use_context = use_context
        self.encoder = TextEncoder(n_tokens, embed_dim, hidden, encoder, kernel_sizes, dropout)
        dim = self.encoder.dim
        self.head = PairHead(
            4 * dim + (dim if use_context else 0), target, hidden, dropout, n_features, n_groups, group_dim
        )
        self.loss = loss

    def forward(self, batch: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        rows, refs = valid_pairs(batch["ref_mask"])
        u = self.encoder(batch["a"], batch["a_mask"])[rows]
        v = self.encoder(batch["b"][rows, refs], batch["b_mask"][rows, refs])
        parts = [match_features(u, v)]
        if self.use_context:
            parts.append(self.encoder(batch["context"], batch["context_mask"])[rows])
        per_pair = self.head(torch.cat(parts, dim=-1), batch, rows, refs)
        return pair_outputs(per_pair, rows, refs, batch, self.target, self.loss)
