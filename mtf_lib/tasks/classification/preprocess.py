"""Preprocess stage: read labelled texts (a registered reader), normalise, tokenise; one JSONL per split.

Streamed: each split is read lazily and tokenised in chunks by the pool (``preprocess.workers``),
so memory stays flat whatever the corpus size; the output does not depend on the worker count.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from mtf_lib import registry
from mtf_lib.layout import StagePaths
from mtf_lib.tasks.classification.features import load_tokenizer, tokenize_texts
from mtf_lib.tasks.streaming import Chunk, Lines, as_lines, preprocess_splits


def preprocess(params: Any, paths: StagePaths) -> dict[str, int]:
    """Write ``<preprocessed>/<split>.jsonl`` (text, tokens, label); return texts per split.
    A bad file in any split leaves no outputs."""
    pp = params.preprocess
    reader = registry.readers.build(pp.format)
    load_tokenizer(pp.tokenizer)  # once, in the parent: the forked workers inherit its resources
    return preprocess_splits(pp, paths.preprocessed, reader, partial(labelled_records, pp), "texts")


def labelled_records(params: Any, chunk: Chunk) -> Lines:
    texts, tokens = tokenize_texts([i.text for i in chunk.items], params.tokenizer, params.normalize, workers=1)
    return as_lines(
        [
            {"text": text, "tokens": text_tokens, "label": item.label}
            for text, text_tokens, item in zip(texts, tokens, chunk.items, strict=True)
        ]
    )
