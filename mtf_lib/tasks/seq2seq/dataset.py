"""Dataset stage: subword vocabularies learnt on the train split only, every split encoded.
Sentences longer than ``dataset.max_len`` pieces are cut, with a warning (a cut target still
ends with the end token: keep max_len above the corpus's longest sentences)."""

from __future__ import annotations

import sys
from typing import Any

import numpy as np

from mtf_lib.layout import StagePaths
from mtf_lib.tasks.common import SPLITS, read_preprocessed
from mtf_lib.tasks.seq2seq.encoded import EncodedParallel
from mtf_lib.tasks.seq2seq.vocab import SidesVocab


def encode(records: list[dict], vocab: SidesVocab, max_len: int) -> tuple[EncodedParallel, int]:
    """The records' piece ids, each side cut to ``max_len``, and how many pairs were cut."""
    sides = [vocab.source.encode([r["source"] for r in records]), vocab.target.encode([r["target"] for r in records])]
    cut = sum(len(s) > max_len or len(t) > max_len for s, t in zip(*sides, strict=True))
    source, target = ([np.asarray(ids[:max_len], dtype=np.int64) for ids in side] for side in sides)
    return EncodedParallel(source, target), cut


def build_dataset(params: Any, paths: StagePaths) -> dict[str, int]:
    """Write ``<dataset>/subword/{source,target}.model`` and ``<dataset>/<split>.npz``; return
    the vocabulary sizes and the pairs cut per split."""
    records = {split: read_preprocessed(paths.preprocessed / f"{split}.jsonl") for split in SPLITS}
    ds = params.dataset
    vocab = SidesVocab.learn(records["train"], ds)
    vocab.save(paths.dataset)
    summary = {"source_pieces": len(vocab.source), "target_pieces": len(vocab.target)}
    for split in SPLITS:
        encoded, cut = encode(records[split], vocab, ds.max_len)
        encoded.save(paths.dataset / f"{split}.npz")
        summary[f"{split}_pairs_cut"] = cut
        if cut:
            print(
                f"warning: {cut} {split} pairs have a sentence longer than dataset.max_len ({ds.max_len} pieces), "
                "cut to it; raise max_len to keep them whole",
                file=sys.stderr,
            )
    return summary
