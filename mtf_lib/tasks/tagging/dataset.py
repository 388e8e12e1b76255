"""Dataset stage: build vocabularies on train, encode every split to arrays."""

from __future__ import annotations

from collections import Counter
from typing import Any

from mtf_lib.data.vocab import Vocab, save_vocabs
from mtf_lib.layout import StagePaths
from mtf_lib.tasks.common import SPLITS, read_preprocessed
from mtf_lib.tasks.tagging.features import char_bigrams, encode_split
from mtf_lib.text.schemes import split_tag
from mtf_lib.text.softword import LEXICON_SYMBOLS, SOFTWORD_TAGS


def build_vocabs(
    train: list[dict], char_min_freq: int, bigram_min_freq: int, other: list[dict] = ()
) -> dict[str, Vocab]:
    """Input vocabularies from ``train`` only; the label set also covers ``other`` splits.

    The label set is the inventory of the task, not learned content: a type that is rare
    enough to be missing from train still has to be scored (as missed) in dev and test.
    """
    chars: Counter[str] = Counter()
    bigrams: Counter[str] = Counter()
    labels: set[str] = set()
    for record in train:
        text = list(record["text"])
        chars.update(text)
        left, right = char_bigrams(text)
        bigrams.update(left)
        bigrams.update(right)
    for record in [*train, *other]:
        labels.update(record["tags"])
    # Every prefix for every type: a type's single-char form may occur only outside train.
    tagged = [split_tag(t) for t in labels if t != "O"]
    prefixes = {p for p, _ in tagged}
    types = {k for _, k in tagged}
    return {
        "chars": Vocab.build(chars, char_min_freq),
        "bigrams": Vocab.build(bigrams, bigram_min_freq),
        "softwords": Vocab(SOFTWORD_TAGS),
        "lexicon": Vocab(LEXICON_SYMBOLS),
        "labels": Vocab(["O", *(f"{p}-{k}" for k in sorted(types) for p in sorted(prefixes))], unknown=False),
    }


def build_dataset(params: Any, paths: StagePaths) -> dict[str, int]:
    """Vocabularies (``<dataset>/vocab``) and every split encoded; returns the vocabulary sizes."""
    in_dir, out_dir = paths.preprocessed, paths.dataset
    records = {split: read_preprocessed(in_dir / f"{split}.jsonl") for split in SPLITS}
    vocabs = build_vocabs(
        records["train"], params.dataset.char_min_freq, params.dataset.bigram_min_freq, records["dev"] + records["test"]
    )
    save_vocabs(vocabs, out_dir / "vocab")
    for split in SPLITS:
        encode_split(records[split], vocabs).save(out_dir / f"{split}.npz")
    return {name: len(v) for name, v in vocabs.items()}
