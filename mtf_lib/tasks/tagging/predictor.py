"""Tagging predictor: raw texts → entities ``{type, text, start, end}`` (end exclusive).

Texts longer than the window are cut into overlapping windows; each character takes its tag
from the window where it sits farthest from an edge, where the model saw the most context.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from mtf_lib.inference.predictor import Predictor
from mtf_lib.tasks.tagging.decode import decode_examples
from mtf_lib.tasks.tagging.features import encode
from mtf_lib.tasks.tagging.model_io import load_tagging_bundle
from mtf_lib.text.normalize import normalize_char, normalize_text
from mtf_lib.text.schemes import spans_from_tags, split_tag
from mtf_lib.text.softword import lexicon_features, softword_features


def windows(length: int, size: int, overlap: int) -> list[tuple[int, int]]:
    """``[start, end)`` windows of ``size`` covering ``length`` with ``overlap`` shared chars."""
    if length <= size:
        return [(0, length)]
    step = size - overlap
    starts = list(range(0, length - size, step)) + [length - size]
    return [(s, s + size) for s in starts]


def merge_window_tags(length: int, spans: list[tuple[int, int]], tags: list[Any], default: Any = "O") -> list[Any]:
    """Per character, the output (a tag, a probability vector) of the window it is most central in."""
    merged = [default] * length
    margin = [-1] * length
    for (start, end), window_tags in zip(spans, tags, strict=True):
        for offset, tag in enumerate(window_tags):
            pos = start + offset
            distance = min(offset, end - start - 1 - offset)
            if distance > margin[pos]:
                merged[pos], margin[pos] = tag, distance
    return merged


@dataclass
class WindowTagger:
    """Tags raw texts with a tagging model the way it is served: normalised, featurised, cut into
    windows, decoded, merged back. The train stage scores dev through it too, so dev.json and
    eval.json measure the same path."""

    model: Any
    vocabs: dict[str, Any]
    normalize: bool
    softword: bool
    lexicon: bool = False
    window: int = 256
    overlap: int = 64

    @classmethod
    def for_params(cls, model: Any, vocabs: dict[str, Any], preprocess: dict[str, Any]) -> WindowTagger:
        """For a model trained on data preprocessed with these settings (``preprocess`` params)."""
        return cls(model, vocabs, preprocess["normalize"], preprocess["softword"], preprocess.get("lexicon", False))

    def prepare(self, texts: list[str]) -> Prepared:
        """Model inputs for ``texts``: independent of the weights, so made once for many scorings."""
        normalized = [normalize_text(t) if self.normalize else t for t in texts]
        softwords = softword_features(normalized, workers=1) if self.softword else [""] * len(texts)
        lexicon = lexicon_features(normalized, workers=1) if self.lexicon else [""] * len(texts)
        pieces, owners = [], []
        for n, (text, soft, lex) in enumerate(zip(normalized, softwords, lexicon, strict=True)):
            if not text:
                continue
            for start, end in windows(len(text), self.window, self.overlap):
                ids = encode(text[start:end], soft[start:end], lex[start:end], self.vocabs)
                pieces.append({k: np.asarray(v) for k, v in ids.items()})
                owners.append((n, start, end))
        return Prepared(normalized, pieces, owners)

    def tag(self, texts: list[str] | Prepared, batch_size: int = 64) -> list[list[str]]:
        """Tag strings for each text (same length as the text)."""
        prepared = texts if isinstance(texts, Prepared) else self.prepare(texts)
        pieces = prepared.pieces
        decoded = decode_examples(self.model, pieces, self.vocabs["labels"], batch_size) if pieces else []
        return prepared.merged(decoded, "O")

    def marginals(self, texts: list[str], temperature: float = 1.0, batch_size: int = 64) -> list[np.ndarray]:
        """Per text ``[len(text), K]``: each character's distribution over ``vocabs["labels"]``
        at ``temperature`` (a CRF's marginals by forward-backward; a softmax head's probabilities)."""
        import torch

        from mtf_lib.inference.batched import map_batches
        from mtf_lib.tasks.tagging.features import collate

        head = self.model.mean_head() if hasattr(self.model, "mean_head") else self.model.head

        def step(model: Any, batch: dict) -> list[np.ndarray]:
            emissions, mask = model(batch)["emissions"], batch["mask"]
            crf = getattr(head, "crf", None)
            if crf is not None:
                probs = crf.log_marginals(emissions, mask, temperature).exp()
            else:
                probs = torch.softmax(emissions.float() / temperature, dim=-1)
            return [p[:n].cpu().numpy() for p, n in zip(probs, mask.sum(1).tolist(), strict=True)]

        prepared = self.prepare(texts)
        lengths = [len(p["chars"]) for p in prepared.pieces]
        outputs = map_batches(self.model, prepared.pieces, lengths, collate, step, batch_size) if lengths else []
        empty = np.zeros(len(self.vocabs["labels"]), dtype=np.float32)
        return [
            np.stack(rows) if rows else np.zeros((0, len(empty)), np.float32)
            for rows in prepared.merged([list(o) for o in outputs], empty)
        ]


@dataclass(frozen=True)
class Prepared:
    """Normalised texts, the model inputs of every window, and (text, start, end) of each."""

    normalized: list[str]
    pieces: list[dict]
    owners: list[tuple[int, int, int]]

    def merged(self, outputs: list, default: Any) -> list[list]:
        per_text: list[tuple[list, list]] = [([], []) for _ in self.normalized]
        for (n, start, end), output in zip(self.owners, outputs, strict=True):
            per_text[n][0].append((start, end))
            per_text[n][1].append(output)
        return [merge_window_tags(len(t), *per_text[n], default) for n, t in enumerate(self.normalized)]


class TaggingPredictor(Predictor):
    def __init__(self, directory: Path, meta: dict[str, Any], window: int = 256, overlap: int = 64) -> None:
        super().__init__(directory, meta)
        model, vocabs, _ = load_tagging_bundle(directory)
        tagger = WindowTagger.for_params(model, vocabs, meta["preprocess"])
        self.tagger = dataclasses.replace(tagger, window=window, overlap=overlap)

    @property
    def model(self) -> Any:
        return self.tagger.model

    @property
    def vocabs(self) -> dict[str, Any]:
        return self.tagger.vocabs

    @property
    def labels(self) -> list[str]:
        return sorted({split_tag(tag)[1] for tag in self.vocabs["labels"].tokens} - {""})

    def tag(self, texts: list[str], batch_size: int = 64) -> list[list[str]]:
        """Tag strings for each text (same length as the text)."""
        return self.tagger.tag(texts, batch_size)

    def marginals(self, texts: list[str], temperature: float = 1.0, batch_size: int = 64) -> list[np.ndarray]:
        return self.tagger.marginals(texts, temperature, batch_size)

    def predict(self, texts: list[str], *, batch_size: int = 64) -> list[list[dict[str, Any]]]:
        """Entities ``{type, text, start, end}`` of each text; an entity never starts or ends on
        whitespace (a model may tag a space beside a name)."""
        results = []
        for text, tags in zip(texts, self.tag(texts, batch_size), strict=True):
            spans = [trimmed(text, s, e) for _, s, e in spans_from_tags(tags)]
            kinds = [k for k, _, _ in spans_from_tags(tags)]
            results.append(
                [
                    {"type": k, "text": text[s:e], "start": s, "end": e}
                    for k, (s, e) in zip(kinds, spans, strict=True)
                    if s < e
                ]
            )
        return results


def trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    """``[start, end)`` without whitespace (or what normalisation reads as whitespace) at either end."""
    while start < end and normalize_char(text[start]) == " ":
        start += 1
    while end > start and normalize_char(text[end - 1]) == " ":
        end -= 1
    return start, end
