"""Dataset stage: token, group and label vocabularies and the overlap features fitted on train;
every split encoded."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from mtf_lib.data.vocab import PAD, UNK, Vocab, save_vocabs
from mtf_lib.layout import StagePaths
from mtf_lib.tasks.common import SPLITS, read_preprocessed
from mtf_lib.tasks.pair_scoring.encode import OVERLAP_DIR, PairEncoder


def build_vocabs(train: list[dict], min_freq: int, kind: str, other: list[dict] = ()) -> dict[str, Vocab]:
    """Tokens and groups from ``train`` only; for a label target, labels from every split (the
    label set is the task's inventory: one missing from train is still scored, as missed)."""
    tokens = Counter(
        t for r in train for t in [*r["a_tokens"], *(t for ref in r["refs_tokens"] for t in ref), *r["context_tokens"]]
    )
    vocabs = {
        "tokens": Vocab.build(tokens, min_freq),
        "groups": Vocab(sorted({r["group"] for r in train if r["group"]})),
    }
    if kind == "label":
        vocabs["labels"] = Vocab(sorted({r["target"] for r in [*train, *other]}), unknown=False)
    return vocabs


def fit_overlap(train: list[dict]) -> Any:
    from mtf_lib.text.overlap import OverlapFeatures

    return OverlapFeatures.from_examples(train)  # with the context's features where train has contexts


def encoder_for(params: Any, vocabs: dict[str, Vocab], overlap: Any) -> PairEncoder:
    target = params.preprocess.target
    low, high = (target.min, target.max) if target.kind == "score" else (0.0, 1.0)
    return PairEncoder(vocabs, overlap, target.kind, low, high, params.dataset.max_len)


def build_dataset(params: Any, paths: StagePaths) -> dict[str, int]:
    """Write ``<dataset>/vocab``, ``<dataset>/overlap`` and ``<dataset>/<split>.npz``; return the
    vocabulary sizes and the number of overlap features."""
    records = {split: read_preprocessed(paths.preprocessed / f"{split}.jsonl") for split in SPLITS}
    kind = params.preprocess.target.kind
    vocabs = build_vocabs(records["train"], params.dataset.min_freq, kind, records["dev"] + records["test"])
    overlap = fit_overlap(records["train"]) if params.dataset.features else None
    save_vocabs(vocabs, paths.dataset / "vocab")
    if overlap is not None:
        overlap.save(Path(paths.dataset) / OVERLAP_DIR)
    encoder = encoder_for(params, vocabs, overlap)
    for split in SPLITS:
        encoder.encode(records[split]).save(paths.dataset / f"{split}.npz")
    sizes = {name: len(v) for name, v in vocabs.items()}
    # Groups are counted as given (the vocabulary's <pad> and <unk> are not groups).
    sizes["groups"] = sum(1 for token in vocabs["groups"].tokens if token not in (PAD, UNK))
    return {**sizes, "features": len(overlap.names) if overlap else 0}
