"""Preprocess stage: read raw tagged files, normalise, convert the tag scheme, add soft-words.

Streamed: each split is read lazily and processed in chunks by the pool (``preprocess.workers``),
so memory stays flat whatever the corpus size; the output does not depend on the worker count.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

from mtf_lib import registry
from mtf_lib.errors import InputError
from mtf_lib.layout import StagePaths
from mtf_lib.tasks.streaming import Chunk, Lines, as_lines, preprocess_splits
from mtf_lib.text.normalize import normalize_text
from mtf_lib.text.schemes import check_scheme, convert
from mtf_lib.text.softword import lexicon_features, load_jieba, softword_features


def preprocess(params: Any, paths: StagePaths) -> dict[str, int]:
    """Write ``<preprocessed>/<split>.jsonl`` (text, tags, softwords, lexicon); return sentences per split.

    ``preprocess.train``/``dev``/``test`` name the raw files, relative to the task folder, read
    by the registered reader ``preprocess.format``. A bad sentence in any split leaves no outputs.
    """
    pp = params.preprocess
    reader = registry.readers.build(pp.format)
    if pp.softword or pp.lexicon:
        load_jieba()  # once, in the parent: the forked workers inherit the dictionary

    def read(source: Path) -> Any:  # a file's sentences, tags in the file's scheme
        return reader(source, pp.input_scheme)

    return preprocess_splits(pp, paths.preprocessed, read, partial(tagged_records, pp), "sentences")


def tagged_records(params: Any, chunk: Chunk) -> Lines:
    """A chunk of sentences as preprocessed records: tags checked and converted, text features added."""
    for n, sentence in enumerate(chunk.items, chunk.start + 1):
        try:
            check_scheme(sentence.tags, params.input_scheme)
        except ValueError as exc:
            raise InputError(
                f"{chunk.source}, sentence {n}: {exc}; set preprocess.input_scheme to the file's tag scheme"
            ) from None
    records = text_records(["".join(s.chars) for s in chunk.items], params, workers=1)
    for record, sentence in zip(records, chunk.items, strict=True):
        record["tags"] = convert(sentence.tags, params.scheme)
    return as_lines(records)


def text_records(texts: list[str], params: Any, workers: int | None = None) -> list[dict[str, str]]:
    """Per text, what the dataset stage encodes besides tags: the text (normalised with
    ``preprocess.normalize``; one character per character, so offsets hold), its soft-words and
    lexicon matches. ``params`` is the preprocess section; ``workers`` overrides its worker count."""
    workers = params.workers if workers is None else workers
    if params.normalize:
        texts = [normalize_text(t) for t in texts]
    softwords = softword_features(texts, workers) if params.softword else [""] * len(texts)
    lexicon = lexicon_features(texts, workers) if params.lexicon else [""] * len(texts)
    return [
        {"text": text, "softwords": soft, "lexicon": lex}
        for text, soft, lex in zip(texts, softwords, lexicon, strict=True)
    ]
