"""Entity linking: every graph name found in a question, by an Aho-Corasick automaton
(pyahocorasick), longest names first and without overlaps (maximum matching, as Chinese word
segmentation does); a name under several labels (肺炎 is a
disease and a symptom) is one mention with all its labels."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Mention:
    name: str
    labels: tuple[str, ...]
    start: int
    end: int


class EntityLinker:
    def __init__(self, names: Mapping[str, Iterable[str]], min_chars: int = 2) -> None:
        import ahocorasick

        by_name: dict[str, list[str]] = {}
        for label, label_names in names.items():
            for name in label_names:
                if len(name) >= min_chars:
                    by_name.setdefault(name, []).append(label)
        self._automaton = ahocorasick.Automaton()
        for name, labels in by_name.items():
            self._automaton.add_word(name, (name, tuple(dict.fromkeys(labels))))
        self.size = len(by_name)
        if self.size:
            self._automaton.make_automaton()

    def link(self, text: str) -> list[Mention]:
        if not self.size:
            return []
        found = [
            Mention(name, labels, end - len(name) + 1, end + 1) for end, (name, labels) in self._automaton.iter(text)
        ]
        found.sort(key=lambda m: (m.start - m.end, m.start))  # longest first, then leftmost
        kept: list[Mention] = []
        for mention in found:
            if all(mention.end <= k.start or mention.start >= k.end for k in kept):
                kept.append(mention)
        return sorted(kept, key=lambda m: m.start)
