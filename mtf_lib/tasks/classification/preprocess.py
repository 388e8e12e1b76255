"""Preprocess stage: read labelled texts (a registered reader), normalise, tokenise; one JSONL per split."""

from __future__ import annotations

import json
from itertools import islice
from pathlib import Path
from typing import Any

from mtf_lib import registry
from mtf_lib.errors import InputError
from mtf_lib.io import atomic_write
from mtf_lib.layout import StagePaths
from mtf_lib.tasks.classification.features import tokenize_texts
from mtf_lib.tasks.common import SPLITS, require_file
from mtf_lib.text.labelled_readers import LabelledText


def preprocess(params: Any, paths: StagePaths) -> dict[str, int]:
    """Write ``<preprocessed>/<split>.jsonl`` (text, tokens, label); return texts per split.

    Every split is read and checked before anything is written: a bad file leaves no outputs.
    """
    params = params.preprocess
    reader = registry.readers.build(params.format)
    splits = {split: read_split(reader, Path(getattr(params, split)), split, params) for split in SPLITS}
    for split, items in splits.items():
        texts, tokens = tokenize_texts([i.text for i in items], params.tokenizer, params.normalize, params.workers)
        with atomic_write(paths.preprocessed / f"{split}.jsonl", "w") as out:
            for text, text_tokens, item in zip(texts, tokens, items, strict=True):
                record = {"text": text, "tokens": text_tokens, "label": item.label}
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return {split: len(items) for split, items in splits.items()}


def read_split(reader: Any, source: Path, split: str, params: Any) -> list[LabelledText]:
    """The first ``params.limit`` texts of ``source`` (all if 0)."""
    require_file(source, f"preprocess.{split}")
    texts = list(islice(reader(source), params.limit or None))
    if not texts:
        raise InputError(f"{source}: no texts (is preprocess.format {params.format['name']!r} right for this file?)")
    return texts
