"""Dataset stage: subword vocabularies learnt on the train split only, every split encoded chunk
by chunk into a memory-mapped Arrow file (``mtf_lib.data.shards``). Sentences longer than
``dataset.max_len`` pieces are cut, with a warning (a cut target still ends with the end token:
keep max_len above the corpus's longest sentences)."""

from __future__ import annotations

import sys
from typing import Any

import numpy as np

from mtf_lib.data.shards import SUFFIX, SplitWriter
from mtf_lib.layout import StagePaths
from mtf_lib.tasks.common import SPLITS, preprocessed_chunks
from mtf_lib.tasks.seq2seq.encoded import FIELDS
from mtf_lib.tasks.seq2seq.vocab import SidesVocab

CHUNK = 20_000  # pairs per chunk: memory stays flat whatever the split's size


def encode(records: list[dict], vocab: SidesVocab, max_len: int) -> tuple[dict[str, list[np.ndarray]], int]:
    """The records' piece ids (``FIELDS``), each side cut to ``max_len``, and how many pairs were cut."""
    sides = [vocab.source.encode([r["source"] for r in records]), vocab.target.encode([r["target"] for r in records])]
    cut = sum(len(s) > max_len or len(t) > max_len for s, t in zip(*sides, strict=True))
    source, target = ([np.asarray(ids[:max_len], dtype=np.int32) for ids in side] for side in sides)
    return {"source": source, "target": target}, cut


def build_dataset(params: Any, paths: StagePaths) -> dict[str, int]:
    """Write ``<dataset>/subword/{source,target}.model`` and ``<dataset>/<split>.arrow``; return
    the vocabulary sizes and the pairs cut per split."""
    ds = params.dataset
    train = paths.preprocessed / "train.jsonl"
    vocab = SidesVocab.learn(lambda: (r for chunk in preprocessed_chunks(train, CHUNK) for r in chunk), ds)
    vocab.save(paths.dataset)
    summary = {"source_pieces": len(vocab.source), "target_pieces": len(vocab.target)}
    for split in SPLITS:
        cut = 0
        with SplitWriter(paths.dataset / f"{split}{SUFFIX}", FIELDS) as out:
            for chunk in preprocessed_chunks(paths.preprocessed / f"{split}.jsonl", CHUNK):
                encoded, chunk_cut = encode(chunk, vocab, ds.max_len)
                out.write(encoded)
                cut += chunk_cut
        summary[f"{split}_pairs_cut"] = cut
        if cut:
            print(
                f"warning: {cut} {split} pairs have a sentence longer than dataset.max_len ({ds.max_len} pieces), "
                "cut to it; raise max_len to keep them whole",
                file=sys.stderr,
            )
    return summary
