"""Entity linking: every graph name found in a question, by an Aho-Corasick automaton
(pyahocorasick), longest names first and without overlaps (maximum matching, as Chinese word
segmentation does); a name under several labels (肺炎 is a
disease and a symptom) is one mention with all its labels. Matching ignores case ("python"
finds Python); a Latin name must be a whole word ("Gopher" does not hold Go), while Chinese,
written without spaces, matches anywhere."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Mention:
    name: str
    labels: tuple[str, ...]
    start: int
    end: int


def fold(text: str) -> str:
    """``text`` casefolded character by character, its length kept (ß stays ß), so that offsets
    in the folded question are offsets in the question."""
    return "".join(c if len(c.casefold()) != 1 else c.casefold() for c in text)


def _word_char(c: str) -> bool:
    return c.isascii() and c.isalnum()


class EntityLinker:
    def __init__(self, names: Mapping[str, Iterable[str]], min_chars: int = 2) -> None:
        import ahocorasick

        by_name: dict[str, list[str]] = {}
        for label, label_names in names.items():
            for name in label_names:
                if len(name) >= min_chars:
                    by_name.setdefault(name, []).append(label)
        # Names equal but for case (Go, GO) share a key: the question's own spelling picks one.
        by_key: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
        for name, labels in by_name.items():
            by_key.setdefault(fold(name), []).append((name, tuple(dict.fromkeys(labels))))
        self._automaton = ahocorasick.Automaton()
        for key, spellings in by_key.items():
            self._automaton.add_word(key, (len(key), spellings))
        self.size = len(by_name)
        if self.size:
            self._automaton.make_automaton()

    def link(self, text: str) -> list[Mention]:
        if not self.size:
            return []
        found = []
        for end, (length, spellings) in self._automaton.iter(fold(text)):
            start, end = end - length + 1, end + 1
            # A Latin edge next to a Latin letter or digit is inside a word: Go in Gopher, Scala in Scalability.
            if (start > 0 and _word_char(text[start - 1]) and _word_char(text[start])) or (
                end < len(text) and _word_char(text[end]) and _word_char(text[end - 1])
            ):
                continue
            name, labels = next((s for s in spellings if s[0] == text[start:end]), spellings[0])
            found.append(Mention(name, labels, start, end))
        found.sort(key=lambda m: (m.start - m.end, m.start))  # longest first, then leftmost
        kept: list[Mention] = []
        for mention in found:
            if all(mention.end <= k.start or mention.start >= k.end for k in kept):
                kept.append(mention)
        return sorted(kept, key=lambda m: m.start)
