"""Preprocess stage: read labelled texts (JSONL or TSV), normalise, tokenise; one JSONL per split."""

from __future__ import annotations

import json
from itertools import islice
from pathlib import Path
from typing import Any

from mtf_lib.errors import InputError
from mtf_lib.io import atomic_write
from mtf_lib.tasks.classification.features import tokenize_texts
from mtf_lib.tasks.common import SPLITS
from mtf_lib.text.labelled_readers import READERS, LabelledText


def preprocess(params: Any, out_dir: Path) -> dict[str, int]:
    """Write ``out_dir/<split>.jsonl`` (text, tokens, label); return texts per split.

    Every split is read and checked before anything is written: a bad file leaves no outputs.
    """
    splits = {split: read_split(Path(getattr(params, split)), split, params) for split in SPLITS}
    for split, items in splits.items():
        texts, tokens = tokenize_texts([i.text for i in items], params.tokenizer, params.normalize, params.workers)
        with atomic_write(out_dir / f"{split}.jsonl", "w") as out:
            for text, text_tokens, item in zip(texts, tokens, items, strict=True):
                record = {"text": text, "tokens": text_tokens, "label": item.label}
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return {split: len(items) for split, items in splits.items()}


def read_split(source: Path, split: str, params: Any) -> list[LabelledText]:
    """The first ``params.limit`` texts of ``source`` (all if 0)."""
    if not source.is_file():
        raise InputError(f"{source} not found: run the fetch stage, or set preprocess.{split} to your own file")
    items = READERS[params.format](source, params.text_field, params.label_field)
    texts = list(islice(items, params.limit or None))
    if not texts:
        raise InputError(f"{source}: no texts (is preprocess.format {params.format!r} right for this file?)")
    return texts
