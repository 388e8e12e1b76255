"""Seq2seq predictor: texts → ``{"translation", "score"}`` each (and the ``nbest`` best on request).

``score`` is the translation's length-normalised log-probability (closer to 0: surer). Decoding
follows the bundle's settings (beam size, length penalty, length limits), which a call may change.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from mtf_lib.errors import InputError
from mtf_lib.inference.predictor import Predictor
from mtf_lib.tasks.seq2seq.model_io import load_seq2seq_bundle
from mtf_lib.tasks.seq2seq.params import DecodingParams
from mtf_lib.tasks.seq2seq.translate import translate_ids
from mtf_lib.tasks.seq2seq.vocab import SidesVocab
from mtf_lib.text.parallel_readers import readable


class SourceTooLong(InputError):
    """A text has more pieces than the model reads."""


@dataclass(frozen=True)
class Sources:
    """Texts encoded for the model (``Seq2SeqPredictor.prepare``): piece ids, one array per text."""

    ids: list[np.ndarray]

    def __len__(self) -> int:
        return len(self.ids)


class Seq2SeqPredictor(Predictor):
    def __init__(self, directory: Path, meta: dict[str, Any]) -> None:
        super().__init__(directory, meta)
        model, vocab, _ = load_seq2seq_bundle(directory)
        self.use(model, vocab)

    def use(self, model: Any, vocab: SidesVocab) -> None:
        self.model, self.vocab = model, vocab
        self.decoding = DecodingParams(**self.meta["decoding"])
        self.max_len = self.meta["dataset"]["max_len"]

    @property
    def labels(self) -> list[str]:
        return []  # generated text has no label set

    def prepare(self, texts: list[str], truncate: bool = False) -> Sources:
        """The model's inputs for ``texts``: independent of the weights, so made once for many decodings."""
        return Sources(self.encode(texts, truncate))

    def encode(self, texts: list[str], truncate: bool = False) -> list[np.ndarray]:
        """Piece ids of each text; a text over the model's limit is an error (``truncate``: cut,
        with a warning)."""
        if isinstance(texts, str):
            raise TypeError("predict takes a list of texts, not one text: predict([text])")
        for n, text in enumerate(texts):
            if not isinstance(text, str) or not readable(text):
                raise InputError(f"text {n + 1} is empty: give a sentence to translate")
        ids = self.vocab.source.encode([t.strip() for t in texts])
        too_long = [(n, len(row)) for n, row in enumerate(ids) if len(row) > self.max_len]
        if too_long and not truncate:
            n, length = too_long[0]
            raise SourceTooLong(
                f"text {n + 1} is {length} pieces long; the model reads at most {self.max_len} pieces: split it"
            )
        if too_long:
            print(f"warning: {len(too_long)} texts cut to the model's {self.max_len} pieces", file=sys.stderr)
        return [np.asarray(row[: self.max_len], dtype=np.int64) for row in ids]

    def predict(
        self,
        texts: list[str] | Sources,
        *,
        beam: int | None = None,
        nbest: int = 1,
        batch_size: int = 64,
        truncate: bool = False,
        use_cache: bool = True,
        decoding: DecodingParams | None = None,
    ) -> list[dict[str, Any]]:
        """One result per text: the best translation and its score; with ``nbest`` > 1 also the
        ``nbest`` best (the beam is widened to hold them). ``decoding``: instead of the bundle's."""
        if not texts:
            return []
        decoding = decoding or self.decoding
        decoding = decoding.model_copy(update={"beam": max(beam or decoding.beam, nbest)})
        sources = texts.ids if isinstance(texts, Sources) else self.encode(texts, truncate)
        found = translate_ids(self.model, sources, decoding, batch_size, nbest, use_cache)
        results = []
        for hyps in found:
            decoded = self.vocab.target.decode([h.tokens for h in hyps])
            best = {"translation": decoded[0], "score": hyps[0].score}
            if nbest > 1:
                best["nbest"] = [{"translation": t, "score": h.score} for t, h in zip(decoded, hyps, strict=True)]
            results.append(best)
        return results
