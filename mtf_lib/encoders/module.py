"""The encoder module fine-tuned models are built around: texts in (a batch's code points), the
pretrained model read through its own tokenizer, and out what a task needs of it:

- ``chars``: one vector per character (tagging), through offsets and overflowing windows;
- ``pooled``: one vector per text: the pooling the model folder declares (sentence-transformers'
  ``1_Pooling``: mean, cls or max) or the one set, over every window of the text;
- ``pair``: one vector of the tokenizer's own pair encoding (cross-encoders): its first token
  (``[CLS]``), or pooled as ``pooling`` sets.

Inputs stay code points (0 for padding), so the data stages never depend on the encoder.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import torch
from torch import nn

from mtf_lib.encoders.pretrained import (
    POOLING_CONFIG,
    SENTENCE_CONFIG,
    SENTENCE_MODULES,
    declared_file,
    load_pretrained,
)
from mtf_lib.encoders.pretrained import save_encoder_files as _save_files
from mtf_lib.encoders.windows import NO_TOKEN, limit_of, tokenize

# sentence-transformers' pooling flags → the mode they mean.
POOLING_FLAGS = {"pooling_mode_mean_tokens": "mean", "pooling_mode_cls_token": "cls", "pooling_mode_max_tokens": "max"}


class TransformerEncoder(nn.Module):
    def __init__(
        self,
        pretrained: str,
        pooling: str = "auto",
        max_length: int | None = None,
        stride: int | None = None,
        encoder_lr: float = 3e-5,
        layer_lr_decay: float = 1.0,
        freeze_layers: int = 0,
        gradient_checkpointing: bool = False,
    ) -> None:
        super().__init__()
        from mtf_lib.encoders.groups import freeze_layers as freeze

        self.encoder, self.tokenizer, self.source = load_pretrained(pretrained, gradient_checkpointing)
        self.encoder_lr, self.layer_lr_decay = encoder_lr, layer_lr_decay
        config = self.encoder.config
        self.hidden_size = config.hidden_size
        self.num_layers = config.num_hidden_layers
        limit = limit_of(self.tokenizer, config, _sentence_limit(self.source))
        if max_length is not None and max_length > limit:
            raise ValueError(f"encoder.max_length {max_length} is more than the model takes ({limit} tokens)")
        self.max_length = max_length or limit
        specials = self.tokenizer.num_special_tokens_to_add(pair=False)
        room = self.max_length - specials
        self.stride = min(stride if stride is not None else room // 4, room - 1)
        self.pooling = (_declared_pooling(self.source) or "mean") if pooling == "auto" else pooling
        # A pair encoding is read at its first token unless pooling is set: a sentence model's
        # declared mean pooling was made for one text, and measured below the first token as a
        # cross-encoder (SICK-R TRIAL Spearman 81.75 against 82.53, all-MiniLM-L6-v2).
        self.pair_pooling = "cls" if pooling == "auto" else pooling
        # A sentence model that ends in Normalize gives unit vectors: pooled ones are its embeddings.
        self.normalize = pooling == "auto" and _declares_normalize(self.source)
        freeze(self.encoder, self.num_layers, freeze_layers)

    def save_bundle_files(self, directory: Any) -> None:
        _save_files(self.encoder, self.tokenizer, self.source, directory)

    @property
    def device(self) -> torch.device:
        return next(self.encoder.parameters()).device

    def forward(self, codepoints: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """``[B, L, H]``: a vector per character (zeros at padding and where no token covers one)."""
        texts = texts_of(codepoints)
        windows = tokenize(self.tokenizer, texts, self.max_length, self.stride, codepoints.size(1))
        hidden = self._run(windows.inputs)
        flat = hidden.reshape(-1, hidden.size(-1))
        index = torch.from_numpy(windows.char_token).to(flat.device)
        found = (index != NO_TOKEN) & mask
        out = flat[index.clamp(min=0)] * found.unsqueeze(-1)
        return out

    def pooled(self, codepoints: torch.Tensor) -> torch.Tensor:
        """``[B, H]``: each text's vector, pooled over the tokens of all its windows (padding
        masked), unit length where the sentence model declares it (what its ``encode()`` gives)."""
        vectors = self._pool(codepoints)
        return nn.functional.normalize(vectors, dim=-1) if self.normalize else vectors

    def _pool(self, codepoints: torch.Tensor) -> torch.Tensor:
        texts = texts_of(codepoints)
        windows = tokenize(self.tokenizer, texts, self.max_length, self.stride, 0)
        hidden = self._run(windows.inputs).float()
        text_of = torch.from_numpy(windows.text_of).to(hidden.device)
        attention = torch.as_tensor(windows.inputs["attention_mask"], device=hidden.device).bool()
        return pool(hidden, attention, text_of, len(texts), self.pooling)

    def pair(self, a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        """``[N, H]``: the vector of the tokenizer's pair encoding of code points ``a`` [N, La] and
        ``b`` [N, Lb] (segment ids where the model has them; the longer side cut first when a pair
        exceeds the limit), pooled as ``pair_pooling`` says."""
        encoded = self.tokenizer(
            texts_of(a),
            texts_of(b),
            truncation="longest_first",
            max_length=self.max_length,
            padding=True,
            return_tensors="np",
        )
        inputs = {k: v for k, v in encoded.items() if k in self.tokenizer.model_input_names}
        hidden = self._run(inputs).float()
        attention = torch.as_tensor(encoded["attention_mask"], device=hidden.device).bool()
        rows = torch.arange(hidden.size(0), device=hidden.device)
        return pool(hidden, attention, rows, hidden.size(0), self.pair_pooling)

    def _run(self, inputs: dict[str, Any]) -> torch.Tensor:
        device = self.device
        tensors = {k: torch.as_tensor(np.asarray(v), dtype=torch.long, device=device) for k, v in inputs.items()}
        return self.encoder(**tensors).last_hidden_state


def pool(hidden: torch.Tensor, attention: torch.Tensor, text_of: torch.Tensor, texts: int, mode: str) -> torch.Tensor:
    """``[texts, H]`` from windows' token vectors ``hidden`` [W, T, H]: window ``w`` belongs to text
    ``text_of[w]``; padding (``attention`` false) is left out; ``cls`` takes a text's first
    window's first token, ``mean`` and ``max`` run over the tokens of all its windows."""
    if mode == "cls":
        first = torch.from_numpy(np.unique(text_of.cpu().numpy(), return_index=True)[1]).to(hidden.device)
        return hidden[first, 0]
    if mode == "max":
        masked = hidden.masked_fill(~attention.unsqueeze(-1), float("-inf")).amax(1)
        out = masked.new_full((texts, hidden.size(-1)), float("-inf"))
        return out.scatter_reduce_(0, text_of[:, None].expand_as(masked), masked, "amax")
    sums = (hidden * attention.unsqueeze(-1)).sum(1)
    total = hidden.new_zeros((texts, hidden.size(-1))).index_add_(0, text_of, sums)
    count = hidden.new_zeros(texts).index_add_(0, text_of, attention.sum(1).to(hidden.dtype))
    return total / count.clamp(min=1).unsqueeze(-1)


def texts_of(codepoints: torch.Tensor) -> list[str]:
    """The texts of a batch's code points (0 ends a row: padding)."""
    rows = codepoints.cpu().numpy()
    lengths = (rows > 0).sum(1)
    return ["".join(map(chr, row[:n].tolist())) for row, n in zip(rows, lengths, strict=True)]


def _declared_pooling(source: str) -> str | None:
    """The pooling a sentence model's folder declares (``1_Pooling/config.json``), if any."""
    found = declared_file(source, POOLING_CONFIG)
    if found is None:
        return None
    flags = json.loads(found.read_text(encoding="utf-8"))
    modes = [mode for flag, mode in POOLING_FLAGS.items() if flags.get(flag)]
    return modes[0] if modes else None


def _declares_normalize(source: str) -> bool:
    found = declared_file(source, SENTENCE_MODULES)
    modules = json.loads(found.read_text(encoding="utf-8")) if found else []
    return any(str(module.get("type", "")).endswith("Normalize") for module in modules)


def _sentence_limit(source: str) -> int | None:
    found = declared_file(source, SENTENCE_CONFIG)
    return json.loads(found.read_text(encoding="utf-8")).get("max_seq_length") if found else None


class FineTuned(nn.Module):
    """Base of the models fine-tuned around a ``TransformerEncoder``: the parameter groups the
    Trainer takes (``mtf_lib.encoders.groups``), the encoder at its own rates."""

    def __init__(self, encoder: TransformerEncoder) -> None:
        super().__init__()
        self.encoder = encoder

    def param_groups(self, lr: float, weight_decay: float) -> list[dict[str, Any]]:
        from mtf_lib.encoders.groups import encoder_param_groups

        e = self.encoder
        return encoder_param_groups(self, e.encoder, e.num_layers, lr, e.encoder_lr, weight_decay, e.layer_lr_decay)
