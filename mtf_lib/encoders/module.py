"""The encoder module fine-tuned models are built around: characters in, one vector per character out.

Input is the batch's ``codepoints`` (one per character, 0 for padding). Each character becomes
its own wordpiece (``mtf_lib.encoders.chars``), the sequence is framed by ``[CLS]``/``[SEP]``, and
a text longer than the encoder's positions goes through overlapping windows: each character
takes its vector from the window where it sits farthest from an edge, so training and
prediction see the same thing for texts of any length.
"""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

from mtf_lib.encoders.pretrained import build_encoder, save_encoder_files, table_for

WINDOW_OVERLAP = 0.25  # a quarter of each window is shared with the next


class CharEncoder(nn.Module):
    def __init__(self, pretrained: str, gradient_checkpointing: bool = False) -> None:
        super().__init__()
        self.encoder, self.vocab_folder = build_encoder(pretrained, gradient_checkpointing)
        config = self.encoder.config
        self.hidden_size = config.hidden_size
        self.num_layers = config.num_hidden_layers
        # Room for [CLS] and [SEP]; RoBERTa-style position ids also start after the padding index.
        shifted = config.model_type in ("roberta", "xlm-roberta")
        self.window = config.max_position_embeddings - 2 - ((config.pad_token_id or 0) + 1 if shifted else 0)
        vocab = _vocab_ids(self.vocab_folder)
        self.cls_id, self.sep_id, self.pad_id = vocab["[CLS]"], vocab["[SEP]"], vocab.get("[PAD]", 0)
        # Rebuilt from the vocabulary, never saved with the weights: it is 4 MB of a pure function.
        self.register_buffer("char_ids", table_for(self.vocab_folder), persistent=False)

    def save_bundle_files(self, directory: Any) -> None:
        save_encoder_files(self.encoder, self.vocab_folder, directory)

    def forward(self, codepoints: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """``[B, L, H]``: a vector per character (zeros at padding)."""
        return self.encode(codepoints, mask)[1]

    def encode(self, codepoints: torch.Tensor, mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(``[B, H]`` the ``[CLS]`` vector (of the first window), ``[B, L, H]`` a vector per character)."""
        ids = self.char_ids[codepoints].long()
        if ids.size(1) <= self.window:
            framed = self._encode(ids, mask)
            return framed[:, 0], framed[:, 1 : ids.size(1) + 1] * mask.unsqueeze(-1)
        first = self._encode(ids[:, : self.window], mask[:, : self.window])[:, 0]
        return first, self._windows(ids, mask) * mask.unsqueeze(-1)

    def encode_pair(self, a: torch.Tensor, a_mask: torch.Tensor, b: torch.Tensor, b_mask: torch.Tensor) -> torch.Tensor:
        """``[N, H]``: the ``[CLS]`` vector of ``[CLS] a [SEP] b [SEP]`` (token types 0, then 1),
        from code points ``a`` [N, La] and ``b`` [N, Lb] (their masks: a prefix of each row).

        A pair longer than the positions loses characters from the ends of its sides as the
        tokenizers' ``longest_first`` cuts, so the shorter side stays whole when it can.
        """
        budget = self.window - 1  # the pair's second [SEP]
        la, lb = a_mask.sum(1), b_mask.sum(1)
        # As the (fast) Hugging Face tokenizers cut: the shorter side whole if it fits in half the
        # budget, else half (rounded down; on a tie that side is a); the longer side the rest.
        shorter = torch.minimum(la, lb)
        keep_short = torch.where(2 * shorter > budget, torch.full_like(shorter, budget // 2), shorter)
        keep_long = torch.minimum(torch.maximum(la, lb), budget - keep_short)
        a_longer = la > lb
        keep_a = torch.where(a_longer, keep_long, keep_short)
        keep_b = torch.where(a_longer, keep_short, keep_long)
        ids_a, ids_b = self.char_ids[a].long(), self.char_ids[b].long()
        width = int((keep_a + keep_b).max()) + 3 if a.size(0) else 3
        col = torch.arange(width, device=a.device)[None, :]
        ka, kb = keep_a[:, None], keep_b[:, None]
        from_a = (col >= 1) & (col <= ka)
        from_b = (col >= ka + 2) & (col <= ka + kb + 1)
        framed = torch.full((a.size(0), width), self.pad_id, dtype=torch.long, device=a.device)
        framed = torch.where(col == 0, self.cls_id, framed)
        framed = torch.where(from_a, _take(ids_a, (col - 1).expand(a.size(0), -1)), framed)
        framed = torch.where(from_b, _take(ids_b, col - ka - 2), framed)
        framed = torch.where((col == ka + 1) | (col == ka + kb + 2), self.sep_id, framed)
        attention = col <= ka + kb + 2
        inputs = {"input_ids": framed, "attention_mask": attention.long()}
        # Only an encoder with segment embeddings reads token types (not RoBERTa's one, nor DistilBERT).
        if getattr(self.encoder.config, "type_vocab_size", 0) >= 2:
            inputs["token_type_ids"] = ((col >= ka + 2) & attention).long()
        return self.encoder(**inputs).last_hidden_state[:, 0]

    def _encode(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """``[B, L + 2, H]``: the encoder's output over ``[CLS] ids [SEP]``."""
        batch, length = ids.shape
        lengths = mask.sum(1)
        framed = torch.full((batch, length + 2), self.pad_id, dtype=ids.dtype, device=ids.device)
        framed[:, 0] = self.cls_id
        framed[:, 1 : length + 1] = torch.where(mask, ids, torch.full_like(ids, self.pad_id))
        rows = torch.arange(batch, device=ids.device)
        framed[rows, lengths + 1] = self.sep_id
        attention = torch.arange(length + 2, device=ids.device)[None, :] < (lengths + 2)[:, None]
        return self.encoder(input_ids=framed, attention_mask=attention.long()).last_hidden_state

    def _windows(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        length, size = ids.size(1), self.window
        step = max(1, size - int(size * WINDOW_OVERLAP))
        starts = list(range(0, length - size, step)) + [length - size]
        out = ids.new_zeros((*ids.shape, self.hidden_size), dtype=torch.float32)
        best = torch.full((length,), -1, device=ids.device)
        for start in starts:
            window_mask = mask[:, start : start + size]
            if not window_mask.any():
                continue
            hidden = self._encode(ids[:, start : start + size], window_mask)[:, 1 : size + 1]
            offsets = torch.arange(size, device=ids.device)
            margin = torch.minimum(offsets, size - 1 - offsets)
            take = margin > best[start : start + size]
            out = out.to(hidden.dtype)
            out[:, start : start + size][:, take] = hidden[:, take]
            best[start : start + size] = torch.maximum(best[start : start + size], margin)
        return out


def _take(ids: torch.Tensor, index: torch.Tensor) -> torch.Tensor:
    """``ids[row, index]`` where the index is in range; anything (later overwritten) elsewhere."""
    if ids.size(1) == 0:
        return torch.zeros_like(index)
    return ids.gather(1, index.clamp(0, ids.size(1) - 1))


def _vocab_ids(folder: Any) -> dict[str, int]:
    from mtf_lib.encoders.chars import read_vocab

    vocab = read_vocab(folder)
    missing = [t for t in ("[CLS]", "[SEP]") if t not in vocab]
    if missing:
        raise ValueError(f"{folder}/vocab.txt has no {' or '.join(missing)}: not a BERT-style vocabulary")
    return vocab


class FineTuned(nn.Module):
    """Base of the models fine-tuned around a ``CharEncoder``: the encoder, its frozen layers, and
    the parameter groups the Trainer takes (``mtf_lib.encoders.groups``)."""

    def __init__(
        self,
        pretrained: str,
        encoder_lr: float,
        layer_lr_decay: float = 1.0,
        freeze: int = 0,
        gradient_checkpointing: bool = False,
    ) -> None:
        super().__init__()
        from mtf_lib.encoders.groups import freeze_layers

        self.encoder = CharEncoder(pretrained, gradient_checkpointing)
        freeze_layers(self.encoder.encoder, self.encoder.num_layers, freeze)
        self.encoder_lr, self.layer_lr_decay = encoder_lr, layer_lr_decay

    def param_groups(self, lr: float, weight_decay: float) -> list[dict[str, Any]]:
        from mtf_lib.encoders.groups import encoder_param_groups

        return encoder_param_groups(
            self, self.encoder.encoder, self.encoder.num_layers, lr, self.encoder_lr, weight_decay, self.layer_lr_decay
        )
