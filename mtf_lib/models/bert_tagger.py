"""A pretrained encoder fine-tuned for tagging: encoder (a vector per character, through its own
tokenizer's offsets) → dropout → linear emissions → a head (CRF or a softmax) over the units the
labels live on. ``units: chars`` tags every character (Chinese NER); ``units: words`` tags each
word by its first sub-token (Hugging Face's token-classification convention), the head runs
over words, and the words' tags go back onto their characters (``word_units``). Batch fields:
``codepoints`` and ``mask`` [B, L] (``labels`` [B, L] when training)."""

from __future__ import annotations

import torch
from torch import nn

from mtf_lib.data.vocab import Vocab
from mtf_lib.encoders.module import FineTuned, TransformerEncoder, texts_of
from mtf_lib.models.word_units import scheme_of, to_chars, to_words, word_spans


class BertTagger(FineTuned):
    def __init__(
        self, encoder: TransformerEncoder, labels: Vocab, head: nn.Module, dropout: float, units: str = "chars"
    ) -> None:
        super().__init__(encoder)
        self.dropout = nn.Dropout(dropout)
        self.out = nn.Linear(encoder.hidden_size, len(labels))
        self.head = head
        self.units = units
        self.labels = labels.tokens
        self.scheme = scheme_of(labels.tokens)

    def forward(self, batch: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        mask = batch["mask"]
        hidden = self.encoder(batch["codepoints"], mask)
        emissions = self.out(self.dropout(hidden)).float()
        result = {"emissions": emissions}
        if "labels" in batch:
            if self.units == "words":
                words, first, word_mask = self._words(batch["codepoints"])
                word_labels = self._word_labels(batch["labels"], mask, words, word_mask)
                result["loss"] = self.head(_at(emissions, first), word_labels, word_mask)
            else:
                result["loss"] = self.head(emissions, batch["labels"], mask)
        return result

    @torch.no_grad()
    def decode(self, batch: dict[str, torch.Tensor]) -> list[list[int]]:
        inputs = {k: v for k, v in batch.items() if k != "labels"}
        emissions = self.forward(inputs)["emissions"]
        if self.units == "chars":
            return self.head.decode(emissions, batch["mask"])
        words, first, word_mask = self._words(batch["codepoints"])
        lengths = batch["mask"].sum(1).tolist()
        paths = self.head.decode(_at(emissions, first), word_mask)
        index = {tag: i for i, tag in enumerate(self.labels)}
        return [
            [index[t] for t in to_chars([self.labels[i] for i in path], spans, length, self.scheme)]
            for path, spans, length in zip(paths, words, lengths, strict=True)
        ]

    def _words(self, codepoints: torch.Tensor) -> tuple[list[list[tuple[int, int]]], torch.Tensor, torch.Tensor]:
        """Each text's word spans, the first character of each word [B, W], the words' mask."""
        words = [word_spans(text) for text in texts_of(codepoints)]
        width = max(1, max(len(w) for w in words))
        first = torch.zeros((len(words), width), dtype=torch.long, device=codepoints.device)
        word_mask = torch.zeros((len(words), width), dtype=torch.bool, device=codepoints.device)
        for row, spans in enumerate(words):
            first[row, : len(spans)] = torch.tensor([s for s, _ in spans], dtype=torch.long)
            word_mask[row, : len(spans)] = True
        return words, first, word_mask

    def _word_labels(
        self, labels: torch.Tensor, mask: torch.Tensor, words: list[list[tuple[int, int]]], word_mask: torch.Tensor
    ) -> torch.Tensor:
        out = torch.zeros(word_mask.shape, dtype=labels.dtype, device=labels.device)
        index = {tag: i for i, tag in enumerate(self.labels)}
        for row, spans in enumerate(words):
            chars = [self.labels[i] for i in labels[row, : int(mask[row].sum())].tolist()]
            tags = to_words(chars, spans, self.scheme)
            out[row, : len(tags)] = torch.tensor([index[t] for t in tags], dtype=labels.dtype)
        return out


def _at(emissions: torch.Tensor, first: torch.Tensor) -> torch.Tensor:
    """``[B, W, T]``: the emissions at each word's first character."""
    return emissions.gather(1, first.unsqueeze(-1).expand(-1, -1, emissions.size(-1)))
