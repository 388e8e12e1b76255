"""Word-level tagging over character-level labels: words are runs of letters and digits, and
each other non-space character stands alone (so ``Siemens.`` is ``Siemens`` and ``.``, as
CoNLL-style tokens split it, whether or not a text sent for prediction puts a space before the
full stop); a word carries the label its entity spans give it,
and a word's tags go back onto its characters in the task's scheme. Spans are the common ground
(``mtf_lib.text.schemes``), so any scheme converts both ways without losing an entity."""

from __future__ import annotations

import re
from collections.abc import Sequence

from mtf_lib.text.schemes import Span, spans_from_tags, tags_from_spans

WORD = re.compile(r"\w+|[^\w\s]")


def word_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each word of ``text`` (end exclusive)."""
    return [m.span() for m in WORD.finditer(text)]


def scheme_of(tags: Sequence[str]) -> str:
    """The scheme a label set is written in (BMES if it has M-, BIOES if E- or S-, else BIO)."""
    prefixes = {tag.partition("-")[0] for tag in tags if tag != "O"}
    return "BMES" if "M" in prefixes else "BIOES" if prefixes & {"E", "S"} else "BIO"


def to_words(char_tags: Sequence[str], words: Sequence[tuple[int, int]], scheme: str) -> list[str]:
    """Each word's tag: an entity covers the words its characters touch."""
    spans: list[Span] = []
    for kind, start, end in spans_from_tags(char_tags):
        covered = [i for i, (s, e) in enumerate(words) if s < end and e > start]
        if covered and (not spans or covered[0] >= spans[-1][2]):
            spans.append((kind, covered[0], covered[-1] + 1))
    return tags_from_spans(spans, len(words), scheme)


def to_chars(word_tags: Sequence[str], words: Sequence[tuple[int, int]], length: int, scheme: str) -> list[str]:
    """The characters' tags: an entity over words spans their characters (and the spaces between)."""
    spans = [(kind, words[start][0], words[end - 1][1]) for kind, start, end in spans_from_tags(word_tags)]
    return tags_from_spans(spans, length, scheme)
