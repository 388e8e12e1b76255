"""Dataset stage: vocabularies from train's streamed counts, every split encoded chunk by chunk
(numpy: ``char_arrays``) into a memory-mapped Arrow file (``mtf_lib.data.shards``)."""

from __future__ import annotations

from typing import Any

import numpy as np

from mtf_lib.data.shards import SUFFIX, SplitWriter
from mtf_lib.data.vocab import Vocab, save_vocabs
from mtf_lib.layout import StagePaths
from mtf_lib.tasks.common import SPLITS, preprocessed_chunks
from mtf_lib.tasks.tagging.char_arrays import CharCounts, KeyIds, bigram_keys, bigram_text, code_points, symbol_ids
from mtf_lib.tasks.tagging.features import FIELDS
from mtf_lib.text.schemes import split_tag
from mtf_lib.text.softword import LEXICON_SYMBOLS, SOFTWORD_TAGS

CHUNK = 20_000  # sentences per chunk: memory stays flat whatever the split's size


def label_vocab(labels: set[str]) -> Vocab:
    """Every prefix for every type: a type's single-char form may occur only outside train. The
    label set is the inventory of the task, not learned content: a type rare enough to be missing
    from train still has to be scored (as missed) in dev and test."""
    tagged = [split_tag(t) for t in labels if t != "O"]
    prefixes = {p for p, _ in tagged}
    types = {k for _, k in tagged}
    return Vocab(["O", *(f"{p}-{k}" for k in sorted(types) for p in sorted(prefixes))], unknown=False)


def build_vocabs(paths: StagePaths, char_min_freq: int, bigram_min_freq: int) -> tuple[dict[str, Vocab], CharCounts]:
    """Input vocabularies from train's counts (streamed); the label set from every split."""
    counts = CharCounts()
    labels: set[str] = set()
    for split in SPLITS:
        for chunk in preprocessed_chunks(paths.preprocessed / f"{split}.jsonl", CHUNK):
            if split == "train":
                counts.add([r["text"] for r in chunk])
            for record in chunk:
                labels.update(record["tags"])
    vocabs = {
        "chars": Vocab.build(counts.char_counts(), char_min_freq),
        "bigrams": Vocab.build(counts.bigram_counts(), bigram_min_freq),
        "softwords": Vocab(SOFTWORD_TAGS),
        "lexicon": Vocab(LEXICON_SYMBOLS),
        "labels": label_vocab(labels),
    }
    return vocabs, counts


def encode_chunk(records: list[dict], vocabs: dict[str, Vocab], chars: KeyIds, bigrams: KeyIds) -> tuple[Any, dict]:
    """(offsets, flat id arrays) of a chunk of preprocessed records, as ``features.encode`` gives
    them one sentence at a time."""
    flat, offsets = code_points([r["text"] for r in records])
    left, right = bigram_keys(flat, offsets)
    labels = vocabs["labels"]
    tags = [labels.id(t) for r in records for t in r["tags"]]
    return offsets, {
        "chars": chars(flat),
        "bigrams_left": bigrams(left),
        "bigrams_right": bigrams(right),
        "softwords": symbol_ids([r["softwords"] for r in records], offsets, vocabs["softwords"]),
        "lexicon": symbol_ids([r["lexicon"] for r in records], offsets, vocabs["lexicon"]),
        "codepoints": flat.astype(np.int32),
        "labels": np.asarray(tags, dtype=np.int32),
    }


def build_dataset(params: Any, paths: StagePaths) -> dict[str, int]:
    """Vocabularies (``<dataset>/vocab``) and every split encoded to ``<dataset>/<split>.arrow``
    (memory-mapped by training), a chunk of sentences at a time; returns the vocabulary sizes."""
    ds = params.dataset
    vocabs, counts = build_vocabs(paths, ds.char_min_freq, ds.bigram_min_freq)
    chars = KeyIds(vocabs["chars"], counts.chars, chr)
    bigrams = KeyIds(vocabs["bigrams"], counts.bigrams, bigram_text)
    save_vocabs(vocabs, paths.dataset / "vocab")
    for split in SPLITS:
        with SplitWriter(paths.dataset / f"{split}{SUFFIX}", FIELDS) as out:
            for chunk in preprocessed_chunks(paths.preprocessed / f"{split}.jsonl", CHUNK):
                out.write_flat(*encode_chunk(chunk, vocabs, chars, bigrams))
    return {name: len(v) for name, v in vocabs.items()}
