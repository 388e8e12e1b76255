"""Preprocess stage: read raw tagged files, normalise, convert the tag scheme, add soft-words."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from mtf_lib import registry
from mtf_lib.errors import InputError
from mtf_lib.io import atomic_write
from mtf_lib.layout import StagePaths
from mtf_lib.tasks.common import SPLITS, require_file
from mtf_lib.text.normalize import normalize_text
from mtf_lib.text.readers import TaggedSentence
from mtf_lib.text.schemes import check_scheme, convert
from mtf_lib.text.softword import lexicon_features, softword_features


def preprocess(params: Any, paths: StagePaths) -> dict[str, int]:
    """Write ``<preprocessed>/<split>.jsonl`` (text, tags, softwords, lexicon); return sentences per split.

    ``preprocess.train``/``dev``/``test`` name the raw files, relative to the task folder, read
    by the registered reader ``preprocess.format``. Every split is read and checked before
    anything is written: a bad file leaves no outputs.
    """
    params, out_dir = params.preprocess, paths.preprocessed
    reader = registry.readers.build(params.format)
    splits = {split: read_split(reader, Path(getattr(params, split)), split, params) for split in SPLITS}
    for split, sentences in splits.items():
        records = text_records(["".join(s.chars) for s in sentences], params)
        with atomic_write(out_dir / f"{split}.jsonl", "w") as out:
            for record, sentence in zip(records, sentences, strict=True):
                record["tags"] = convert(sentence.tags, params.scheme)
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return {split: len(sentences) for split, sentences in splits.items()}


def text_records(texts: list[str], params: Any) -> list[dict[str, str]]:
    """Per text, what the dataset stage encodes besides tags: the text (normalised with
    ``preprocess.normalize``; one character per character, so offsets hold), its soft-words and
    lexicon matches. ``params`` is the preprocess section."""
    if params.normalize:
        texts = [normalize_text(t) for t in texts]
    softwords = softword_features(texts, params.workers) if params.softword else [""] * len(texts)
    lexicon = lexicon_features(texts, params.workers) if params.lexicon else [""] * len(texts)
    return [
        {"text": text, "softwords": soft, "lexicon": lex}
        for text, soft, lex in zip(texts, softwords, lexicon, strict=True)
    ]


def read_split(reader: Any, source: Path, split: str, params: Any) -> list[TaggedSentence]:
    """The first ``params.limit`` sentences of ``source`` (all if 0), tags checked against the scheme."""
    require_file(source, f"preprocess.{split}")
    sentences = list(reader(source, params.input_scheme))
    if not sentences:
        raise InputError(
            f"{source}: no sentences (is preprocess.format {params.format['name']!r} right for this file?)"
        )
    if params.limit:
        sentences = sentences[: params.limit]
    for n, sentence in enumerate(sentences, 1):
        try:
            check_scheme(sentence.tags, params.input_scheme)
        except ValueError as exc:
            raise InputError(
                f"{source}, sentence {n}: {exc}; set preprocess.input_scheme to the file's tag scheme"
            ) from None
    return sentences
