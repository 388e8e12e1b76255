"""An encoder–decoder Transformer (pre-LayerNorm) with incremental decoding.

``forward(batch)`` is teacher-forced training: ``source`` (N, S), ``target_in`` (N, T: BOS + y)
and ``target_out`` (N, T: y + EOS), padded with 0, give ``{"loss", "logits"}``. Decoding
(``mtf_lib.models.seq2seq_search``) calls ``encode`` once, then ``step`` per output position:
with a cache, each layer keeps its past keys and values (and the encoder's, projected once), so
a step costs one position instead of the whole prefix; ``follow_beams`` follows beam search's choices.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from mtf_lib.text.subword import BOS, PAD

Cache = dict[str, torch.Tensor]


def sinusoids(length: int, dim: int) -> torch.Tensor:
    """The fixed sine/cosine position table of "Attention is all you need" (length, dim)."""
    position = torch.arange(length, dtype=torch.float32)[:, None]
    rates = torch.exp(torch.arange(0, dim, 2, dtype=torch.float32) * (-math.log(10000.0) / dim))
    table = torch.zeros(length, dim)
    table[:, 0::2] = torch.sin(position * rates)
    table[:, 1::2] = torch.cos(position * rates[: dim // 2])
    return table


class Attention(nn.Module):
    """Multi-head attention over ``keys`` (self-attention when they are the queries)."""

    def __init__(self, dim: int, heads: int, dropout: float) -> None:
        super().__init__()
        if dim % heads:
            raise ValueError(f"model.dim ({dim}) must be a multiple of model.heads ({heads})")
        self.heads, self.dropout = heads, dropout
        self.query = nn.Linear(dim, dim)
        self.key_value = nn.Linear(dim, 2 * dim)
        self.out = nn.Linear(dim, dim)

    def _split(self, x: torch.Tensor) -> torch.Tensor:
        n, length, dim = x.shape
        return x.view(n, length, self.heads, dim // self.heads).transpose(1, 2)

    def project_keys(self, keys: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        k, v = self.key_value(keys).chunk(2, dim=-1)
        return self._split(k), self._split(v)

    def attend(
        self, x: torch.Tensor, k: torch.Tensor, v: torch.Tensor, mask: torch.Tensor | None, causal: bool
    ) -> torch.Tensor:
        """``mask``: (N, 1, 1, S) True where a key may be attended."""
        q = self._split(self.query(x))
        p = self.dropout if self.training else 0.0
        out = F.scaled_dot_product_attention(q, k, v, attn_mask=mask, dropout_p=p, is_causal=causal)
        n, _, length, _ = out.shape
        return self.out(out.transpose(1, 2).reshape(n, length, -1))


class EncoderLayer(nn.Module):
    def __init__(self, dim: int, heads: int, ffn: int, dropout: float) -> None:
        super().__init__()
        self.attn_norm, self.ffn_norm = nn.LayerNorm(dim), nn.LayerNorm(dim)
        self.attn = Attention(dim, heads, dropout)
        self.ffn = nn.Sequential(nn.Linear(dim, ffn), nn.ReLU(), nn.Dropout(dropout), nn.Linear(ffn, dim))
        self.drop = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        h = self.attn_norm(x)
        x = x + self.drop(self.attn.attend(h, *self.attn.project_keys(h), mask, causal=False))
        return x + self.drop(self.ffn(self.ffn_norm(x)))


class DecoderLayer(nn.Module):
    def __init__(self, dim: int, heads: int, ffn: int, dropout: float) -> None:
        super().__init__()
        self.self_norm, self.cross_norm, self.ffn_norm = nn.LayerNorm(dim), nn.LayerNorm(dim), nn.LayerNorm(dim)
        self.self_attn = Attention(dim, heads, dropout)
        self.cross_attn = Attention(dim, heads, dropout)
        self.ffn = nn.Sequential(nn.Linear(dim, ffn), nn.ReLU(), nn.Dropout(dropout), nn.Linear(ffn, dim))
        self.drop = nn.Dropout(dropout)

    def forward(
        self, x: torch.Tensor, memory_kv: tuple[torch.Tensor, torch.Tensor], mask: torch.Tensor, cache: Cache | None
    ) -> torch.Tensor:
        """``cache``: this layer's past keys and values, extended in place (incremental decoding,
        one new position in ``x``); None: ``x`` is the whole prefix, attended causally."""
        h = self.self_norm(x)
        k, v = self.self_attn.project_keys(h)
        if cache is not None:
            if "k" in cache:
                k, v = torch.cat([cache["k"], k], dim=2), torch.cat([cache["v"], v], dim=2)
            cache["k"], cache["v"] = k, v
        x = x + self.drop(self.self_attn.attend(h, k, v, None, causal=cache is None and x.shape[1] > 1))
        x = x + self.drop(self.cross_attn.attend(self.cross_norm(x), *memory_kv, mask, causal=False))
        return x + self.drop(self.ffn(self.ffn_norm(x)))


@dataclass
class DecoderState:
    """What decoding carries between steps for N rows (sentences × beams)."""

    memory_kv: list[tuple[torch.Tensor, torch.Tensor]]  # per layer: the encoder output's keys and values
    mask: torch.Tensor  # (N, 1, 1, S): True on real source positions
    caches: list[Cache] | None = None  # per layer (incremental decoding); None: recompute the prefix

    def follow_beams(self, rows: torch.Tensor) -> DecoderState:
        """The state of the beams beam search extends: row ``i`` continues row ``rows[i]``. Rows
        stay within their sentence's beams, whose encoder rows are equal, so only the decoder's
        caches move."""
        caches = None if self.caches is None else [{k: t[rows] for k, t in c.items()} for c in self.caches]
        return DecoderState(self.memory_kv, self.mask, caches)


class TransformerSeq2Seq(nn.Module):
    def __init__(
        self,
        source_size: int,
        target_size: int,
        *,
        dim: int,
        layers: int,
        decoder_layers: int,
        heads: int,
        ffn: int,
        dropout: float,
        positions: str,
        share_embeddings: str,
        max_len: int,
        loss: nn.Module,
    ) -> None:
        super().__init__()
        self.dim, self.max_len, self.loss_fn = dim, max_len, loss
        self.target_size = target_size
        self.source_embed = nn.Embedding(source_size, dim, padding_idx=PAD)
        # Shared weights are one parameter under one name (a bundle's safetensors file holds each once).
        if share_embeddings == "all" and source_size != target_size:
            raise ValueError("model.share_embeddings: all needs one vocabulary for both sides (dataset.joint: true)")
        self.target_embed = None if share_embeddings == "all" else nn.Embedding(target_size, dim, padding_idx=PAD)
        self.output = None if share_embeddings in ("decoder", "all") else nn.Linear(dim, target_size, bias=False)
        for embed in (self.source_embed, self.target_embed):
            if embed is not None:
                nn.init.normal_(embed.weight, 0.0, dim**-0.5)
                with torch.no_grad():
                    embed.weight[PAD].zero_()
        positions_len = max_len + 2  # BOS/EOS beside max_len pieces
        if positions == "learnt":
            self.positions = nn.Parameter(torch.randn(positions_len, dim) * 0.02)
        else:
            self.register_buffer("positions", sinusoids(positions_len, dim), persistent=False)
        self.drop = nn.Dropout(dropout)
        self.encoder = nn.ModuleList(EncoderLayer(dim, heads, ffn, dropout) for _ in range(layers))
        self.decoder = nn.ModuleList(DecoderLayer(dim, heads, ffn, dropout) for _ in range(decoder_layers))
        self.encoder_norm, self.decoder_norm = nn.LayerNorm(dim), nn.LayerNorm(dim)

    @property
    def target_embedding(self) -> nn.Embedding:
        return self.source_embed if self.target_embed is None else self.target_embed

    def _logits(self, x: torch.Tensor) -> torch.Tensor:
        """The output layer: the target embedding itself where tied."""
        if self.output is None:
            return F.linear(x, self.target_embedding.weight)
        return self.output(x)

    def _embed(self, embed: nn.Embedding, ids: torch.Tensor, start: int = 0) -> torch.Tensor:
        x = embed(ids) * math.sqrt(self.dim) + self.positions[start : start + ids.shape[1]]
        return self.drop(x)

    def encode(self, source: torch.Tensor) -> DecoderState:
        """The encoder's output for ``source`` (N, S), as the decoder's starting state."""
        mask = (source != PAD)[:, None, None, :]
        x = self._embed(self.source_embed, source)
        for layer in self.encoder:
            x = layer(x, mask)
        memory = self.encoder_norm(x)
        memory_kv = [layer.cross_attn.project_keys(memory) for layer in self.decoder]
        return DecoderState(memory_kv, mask)

    def _decode(
        self, prefix: torch.Tensor, state: DecoderState, start: int, caches: list[Cache] | None
    ) -> torch.Tensor:
        x = self._embed(self.target_embedding, prefix, start)
        for n, layer in enumerate(self.decoder):
            x = layer(x, state.memory_kv[n], state.mask, None if caches is None else caches[n])
        return self._logits(self.decoder_norm(x))

    def step(self, state: DecoderState, prefix: torch.Tensor) -> torch.Tensor:
        """Log-probabilities of the next token (N, V) after ``prefix`` (N, t: BOS first). With
        ``state.caches`` only the last token is computed (the cache holds the others)."""
        if state.caches is None:
            logits = self._decode(prefix, state, 0, None)[:, -1]
        else:
            logits = self._decode(prefix[:, -1:], state, prefix.shape[1] - 1, state.caches)[:, -1]
        return F.log_softmax(logits.float(), dim=-1)

    def forward(self, batch: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        state = self.encode(batch["source"])
        logits = self._decode(batch["target_in"], state, 0, None)
        out = {"logits": logits}
        if "target_out" in batch:
            out["loss"] = self.loss_fn(logits, batch["target_out"])
        return out

    def start(self, source: torch.Tensor, use_cache: bool = True) -> tuple[DecoderState, torch.Tensor]:
        """The decoding state of ``source`` and the first prefix (BOS per row)."""
        state = self.encode(source)
        if use_cache:
            state.caches = [{} for _ in self.decoder]
        return state, torch.full((source.shape[0], 1), BOS, dtype=torch.long, device=source.device)


class LabelSmoothedCrossEntropy(nn.Module):
    """Token cross-entropy with label smoothing, averaged over the non-padding tokens."""

    def __init__(self, smoothing: float) -> None:
        super().__init__()
        self.smoothing = smoothing

    def forward(self, logits: torch.Tensor, gold: torch.Tensor) -> torch.Tensor:
        return F.cross_entropy(
            logits.reshape(-1, logits.shape[-1]).float(),
            gold.reshape(-1),
            ignore_index=PAD,
            label_smoothing=self.smoothing,
        )
