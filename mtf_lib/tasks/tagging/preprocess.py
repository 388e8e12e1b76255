"""Preprocess stage: read raw tagged files, normalise, convert the tag scheme, add soft-words."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from mtf_lib.errors import InputError
from mtf_lib.io import atomic_write
from mtf_lib.text.normalize import normalize_text
from mtf_lib.text.readers import read_char_tagged, read_jsonl
from mtf_lib.text.schemes import convert
from mtf_lib.text.softword import lexicon_features, softword_features

SPLITS = ("train", "dev", "test")


def preprocess(params: Any, out_dir: Path) -> dict[str, int]:
    """Write ``out_dir/<split>.jsonl`` (text, tags, softwords, lexicon); return sentences per split.

    ``params.train``/``dev``/``test`` name the raw files, relative to the task folder.
    """
    counts = {}
    for split in SPLITS:
        source = Path(getattr(params, split))
        if not source.is_file():
            raise InputError(f"{source} not found: run the fetch stage, or set preprocess.{split} to your own file")
        if params.format == "jsonl":
            sentences = list(read_jsonl(source, scheme=params.scheme))
        else:
            sentences = list(read_char_tagged(source))
        if params.limit:
            sentences = sentences[: params.limit]
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
        counts[split] = len(sentences)
    return counts


def read_preprocessed(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]
