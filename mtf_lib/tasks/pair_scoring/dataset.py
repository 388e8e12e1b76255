"""Dataset stage: token, group and label vocabularies and the overlap features fitted on train;
every split encoded chunk by chunk into a memory-mapped Arrow file (``mtf_lib.data.shards``)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from mtf_lib.data.shards import SUFFIX, SplitWriter
from mtf_lib.data.vocab import PAD, UNK, Vocab, save_vocabs
from mtf_lib.layout import StagePaths
from mtf_lib.tasks.common import SPLITS, preprocessed_chunks, read_preprocessed
from mtf_lib.tasks.pair_scoring.encode import OVERLAP_DIR, PairEncoder
from mtf_lib.tasks.pair_scoring.encoded import fields

CHUNK = 20_000  # pairs per chunk: memory stays flat whatever the split's size


def build_vocabs(paths: StagePaths, min_freq: int, kind: str) -> dict[str, Vocab]:
    """Tokens and groups from train only (streamed); for a label target, labels from every split
    (the label set is the task's inventory: one missing from train is still scored, as missed)."""
    tokens: Counter[str] = Counter()
    groups: set[str] = set()
    labels: set[str] = set()
    for split in SPLITS:
        for chunk in preprocessed_chunks(paths.preprocessed / f"{split}.jsonl", CHUNK):
            if split == "train":
                for r in chunk:
                    tokens.update(r["a_tokens"])
                    tokens.update(t for ref in r["refs_tokens"] for t in ref)
                    tokens.update(r["context_tokens"])
                groups.update(r["group"] for r in chunk if r["group"])
            if kind == "label":
                labels.update(r["target"] for r in chunk)
    vocabs = {"tokens": Vocab.build(tokens, min_freq), "groups": Vocab(sorted(groups))}
    if kind == "label":
        vocabs["labels"] = Vocab(sorted(labels), unknown=False)
    return vocabs


def fit_overlap(train: Path) -> Any:
    """The overlap features fitted on the train split's texts (their TF-IDF vocabularies hold
    what train holds), with the context's features where train has contexts."""
    from mtf_lib.text.overlap import OverlapFeatures

    return OverlapFeatures.from_examples(read_preprocessed(train))


def encoder_for(params: Any, vocabs: dict[str, Vocab], overlap: Any) -> PairEncoder:
    target = params.preprocess.target
    low, high = (target.min, target.max) if target.kind == "score" else (0.0, 1.0)
    return PairEncoder(vocabs, overlap, target.kind, low, high, params.dataset.max_len)


def build_dataset(params: Any, paths: StagePaths) -> dict[str, int]:
    """Write ``<dataset>/vocab``, ``<dataset>/overlap`` and ``<dataset>/<split>.arrow``; return the
    vocabulary sizes and the number of overlap features."""
    vocabs = build_vocabs(paths, params.dataset.min_freq, params.preprocess.target.kind)
    overlap = fit_overlap(paths.preprocessed / "train.jsonl") if params.dataset.features else None
    save_vocabs(vocabs, paths.dataset / "vocab")
    if overlap is not None:
        overlap.save(Path(paths.dataset) / OVERLAP_DIR)
    encoder = encoder_for(params, vocabs, overlap)
    for split in SPLITS:
        with SplitWriter(paths.dataset / f"{split}{SUFFIX}", fields(encoder.target_field)) as out:
            for chunk in preprocessed_chunks(paths.preprocessed / f"{split}.jsonl", CHUNK):
                out.write(encoder.columns(chunk))
    sizes = {name: len(v) for name, v in vocabs.items()}
    # Groups are counted as given (the vocabulary's <pad> and <unk> are not groups).
    sizes["groups"] = sum(1 for token in vocabs["groups"].tokens if token not in (PAD, UNK))
    return {**sizes, "features": len(overlap.names) if overlap else 0}
