"""Subword vocabularies (sentencepiece): unigram or BPE pieces, or one piece per character,
learnt from the train split's sentences and saved as the model file sentencepiece reads.

Ids 0–3 are the same in every vocabulary: padding, unknown, begin and end of sentence.
Training is deterministic: one thread, the sentences in the order given, no sampling.
"""

from __future__ import annotations

import io
import itertools
from collections.abc import Iterable, Sequence
from pathlib import Path

from mtf_lib.io import atomic_write

PAD, UNK, BOS, EOS = 0, 1, 2, 3
SPECIAL = (PAD, UNK, BOS, EOS)
KINDS = ("unigram", "bpe", "char")


class SubwordVocab:
    """A trained sentencepiece model: text ↔ piece ids."""

    def __init__(self, proto: bytes) -> None:
        import sentencepiece as spm

        self.proto = proto
        self._sp = spm.SentencePieceProcessor(model_proto=proto)

    @classmethod
    def train(
        cls,
        sentences: Iterable[str],
        size: int,
        kind: str = "unigram",
        coverage: float = 1.0,
        normalization: str = "nmt_nfkc",
    ) -> SubwordVocab:
        """Learn ``size`` pieces (kind char: as many as the characters ``coverage`` keeps);
        ``normalization``: sentencepiece's rule (``identity`` decodes back to the text exactly)."""
        import sentencepiece as spm

        if kind not in KINDS:
            raise ValueError(f"unknown subword kind {kind!r}; choose one of: {', '.join(KINDS)}")
        sentences = iter(s for s in sentences if s.strip())  # streamed: sentencepiece keeps its own copy
        first = next(sentences, None)
        if first is None:
            raise ValueError("no sentences to learn a vocabulary from")
        model = io.BytesIO()
        spm.SentencePieceTrainer.train(
            sentence_iterator=itertools.chain([first], sentences),
            model_writer=model,
            model_type=kind,
            vocab_size=size,
            character_coverage=coverage,
            normalization_rule_name=normalization,
            pad_id=PAD,
            unk_id=UNK,
            bos_id=BOS,
            eos_id=EOS,
            hard_vocab_limit=False,  # a small corpus may hold fewer pieces than asked: take what there is
            num_threads=1,
            shuffle_input_sentence=False,
            input_sentence_size=0,
            max_sentence_length=100_000,
            minloglevel=2,
        )
        return cls(model.getvalue())

    def __len__(self) -> int:
        return self._sp.get_piece_size()

    def encode(self, texts: Sequence[str]) -> list[list[int]]:
        return self._sp.encode(list(texts))

    def pieces(self, text: str) -> list[str]:
        return self._sp.encode(text, out_type=str)

    def decode(self, ids: Sequence[Sequence[int]]) -> list[str]:
        """Texts of piece ids; special ids are left out."""
        return self._sp.decode([[int(i) for i in row if i not in SPECIAL] for row in ids])

    def save(self, path: Path) -> None:
        with atomic_write(Path(path)) as handle:
            handle.write(self.proto)

    @classmethod
    def load(cls, path: Path) -> SubwordVocab:
        return cls(Path(path).read_bytes())
