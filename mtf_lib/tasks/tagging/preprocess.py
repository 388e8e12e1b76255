"""Preprocess stage: read raw tagged files, normalise, convert the tag scheme, add soft-words."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from mtf_lib.errors import InputError
from mtf_lib.io import atomic_write
from mtf_lib.tasks.common import SPLITS
from mtf_lib.text.normalize import normalize_text
from mtf_lib.text.readers import TaggedSentence, read_char_tagged, read_jsonl
from mtf_lib.text.schemes import check_scheme, convert
from mtf_lib.text.softword import lexicon_features, softword_features


def preprocess(params: Any, out_dir: Path) -> dict[str, int]:
    """Write ``out_dir/<split>.jsonl`` (text, tags, softwords, lexicon); return sentences per split.

    ``params.train``/``dev``/``test`` name the raw files, relative to the task folder. Every
    split is read and checked before anything is written: a bad file leaves no outputs.
    """
    splits = {split: read_split(Path(getattr(params, split)), split, params) for split in SPLITS}
    for split, sentences in splits.items():
        texts = ["".join(s.chars) for s in sentences]
        if params.normalize:
            texts = [normalize_text(t) for t in texts]
        softwords = softword_features(texts, params.workers) if params.softword else [""] * len(texts)
        lexicon = lexicon_features(texts, params.workers) if params.lexicon else [""] * len(texts)
        with atomic_write(out_dir / f"{split}.jsonl", "w") as out:
            for text, sentence, soft, lex in zip(texts, sentences, softwords, lexicon, strict=True):
                record = {
                    "text": text,
                    "tags": convert(sentence.tags, params.scheme),
                    "softwords": soft,
                    "lexicon": lex,
                }
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return {split: len(sentences) for split, sentences in splits.items()}


def read_split(source: Path, split: str, params: Any) -> list[TaggedSentence]:
    """The first ``params.limit`` sentences of ``source`` (all if 0), tags checked against the scheme."""
    if not source.is_file():
        raise InputError(f"{source} not found: run the fetch stage, or set preprocess.{split} to your own file")
    if params.format == "jsonl":
        sentences = list(read_jsonl(source, scheme=params.input_scheme))
    else:
        sentences = list(read_char_tagged(source))
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
