"""The source and target subword vocabularies of a task: learnt on train, kept as sentencepiece
model files in the dataset folder and in the bundle."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mtf_lib.text.subword import SubwordVocab

VOCAB_DIR = "subword"
SIDES = ("source", "target")


@dataclass(frozen=True)
class SidesVocab:
    source: SubwordVocab
    target: SubwordVocab

    @classmethod
    def learn(cls, records: Callable[[], Iterable[dict]], settings: Any) -> SidesVocab:
        """``records()``: a fresh stream of the train split's records, read once per vocabulary
        learnt; ``settings``: the dataset section (its ``source``, ``target`` and ``joint``)."""

        def learn(side: Any, sentences: Iterable[str]) -> SubwordVocab:
            return SubwordVocab.train(sentences, side.size, side.kind, side.coverage, side.normalization)

        if settings.joint:
            joint = learn(settings.source, (r[s] for r in records() for s in SIDES))
            return cls(joint, joint)
        return cls(*(learn(getattr(settings, s), (r[s] for r in records())) for s in SIDES))

    def save(self, folder: Path) -> None:
        folder = Path(folder) / VOCAB_DIR
        folder.mkdir(parents=True, exist_ok=True)
        for side in SIDES:
            getattr(self, side).save(folder / f"{side}.model")

    @classmethod
    def load(cls, folder: Path) -> SidesVocab:
        folder = Path(folder) / VOCAB_DIR
        return cls(*(SubwordVocab.load(folder / f"{side}.model") for side in SIDES))
