"""Token ↔ id vocabularies with reserved padding and unknown entries."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

PAD, UNK = "<pad>", "<unk>"


class Vocab:
    """An ordered token list. Open vocabularies (inputs) reserve id 0 for ``<pad>`` and id 1
    for ``<unk>``; closed ones (label sets) hold only their tokens and reject anything else."""

    def __init__(self, tokens: Iterable[str], unknown: bool = True) -> None:
        specials = [PAD, UNK] if unknown else []
        self.tokens: list[str] = list(dict.fromkeys([*specials, *tokens]))
        self.index = {t: i for i, t in enumerate(self.tokens)}
        self.unknown = unknown

    @classmethod
    def build(cls, counts: Counter[str], min_freq: int = 1, unknown: bool = True) -> Vocab:
        """Tokens seen at least ``min_freq`` times, most frequent first (ties by token)."""
        kept = sorted((t for t, n in counts.items() if n >= min_freq), key=lambda t: (-counts[t], t))
        return cls(kept, unknown=unknown)

    def __len__(self) -> int:
        return len(self.tokens)

    def __contains__(self, token: object) -> bool:
        return token in self.index

    def id(self, token: str) -> int:
        found = self.index.get(token)
        if found is not None:
            return found
        if not self.unknown:
            raise KeyError(f"{token!r} is not in a closed vocabulary of {len(self)} entries")
        return self.index[UNK]

    def ids(self, tokens: Iterable[str]) -> list[int]:
        return [self.id(t) for t in tokens]

    def save(self, path: str | Path) -> None:
        Path(path).write_text(
            json.dumps({"unknown": self.unknown, "tokens": self.tokens}, ensure_ascii=False), encoding="utf-8"
        )

    @classmethod
    def load(cls, path: str | Path) -> Vocab:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return cls(data["tokens"], unknown=data["unknown"])


def save_vocabs(vocabs: dict[str, Vocab], directory: str | Path) -> None:
    """One ``<name>.json`` per vocabulary."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    for name, vocab in vocabs.items():
        vocab.save(directory / f"{name}.json")


def load_vocabs(directory: str | Path) -> dict[str, Vocab]:
    """Every vocabulary saved in ``directory`` by ``save_vocabs``, by name."""
    return {path.stem: Vocab.load(path) for path in sorted(Path(directory).glob("*.json"))}
