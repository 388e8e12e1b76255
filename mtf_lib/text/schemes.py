"""Tagging schemes (BIO, BIOES, BMES): span extraction and conversion between them.

Spans are ``(type, start, end)`` with ``end`` exclusive. Extraction follows conlleval's rules
(as seqeval's default mode does): an I/M/E tag that does not continue an open entity of the
same type starts a new one, so ill-formed sequences decode the way published scorers read them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

Scheme = Literal["BIO", "BIOES", "BMES"]
SCHEMES: tuple[str, ...] = ("BIO", "BIOES", "BMES")
Span = tuple[str, int, int]

# Prefix letters of each scheme, in the order: begin, inside, end, single.
_PREFIXES = {"BIO": ("B", "I", "I", "B"), "BIOES": ("B", "I", "E", "S"), "BMES": ("B", "M", "E", "S")}


SCHEME_PREFIXES = {"BIO": "BIO", "BIOES": "BIOES", "BMES": "BMESO"}


def check_scheme(tags: Sequence[str], scheme: str) -> None:
    """Raise ValueError naming the first tag whose prefix ``scheme`` does not use."""
    allowed = SCHEME_PREFIXES[scheme]
    for tag in tags:
        if split_tag(tag)[0] not in allowed:
            raise ValueError(f"tag {tag!r} is not a {scheme} tag (prefixes {', '.join(allowed)})")


def split_tag(tag: str) -> tuple[str, str]:
    """``"B-ORG"`` → ``("B", "ORG")``; ``"O"`` → ``("O", "")``."""
    if tag == "O":
        return "O", ""
    prefix, sep, kind = tag.partition("-")
    if not sep or prefix not in "BIMES" or len(prefix) != 1 or not kind:
        raise ValueError(f"malformed tag {tag!r}: expected 'O' or '<B|I|M|E|S>-<TYPE>'")
    return prefix, kind


def spans_from_tags(tags: Sequence[str]) -> list[Span]:
    """Entity spans of a tag sequence in any of the supported schemes (conlleval semantics)."""
    spans: list[Span] = []
    start, kind = -1, ""
    for i, tag in enumerate(tags):
        prefix, tag_kind = split_tag(tag)
        if start >= 0 and (prefix in ("O", "B", "S") or tag_kind != kind):
            spans.append((kind, start, i))
            start = -1
        if prefix in ("B", "S") or (prefix in ("I", "M", "E") and start < 0):
            start, kind = i, tag_kind
        if start >= 0 and prefix in ("E", "S"):
            spans.append((kind, start, i + 1))
            start = -1
    if start >= 0:
        spans.append((kind, start, len(tags)))
    return spans


def tags_from_spans(spans: Sequence[Span], length: int, scheme: str) -> list[str]:
    """Tag sequence of ``length`` encoding non-overlapping ``spans`` in ``scheme``."""
    if scheme not in _PREFIXES:
        raise ValueError(f"unknown tag scheme {scheme!r}; choose one of {', '.join(SCHEMES)}")
    begin, inside, end, single = _PREFIXES[scheme]
    tags = ["O"] * length
    for kind, start, stop in spans:
        if stop - start == 1:
            tags[start] = f"{single}-{kind}"
            continue
        tags[start] = f"{begin}-{kind}"
        for i in range(start + 1, stop - 1):
            tags[i] = f"{inside}-{kind}"
        tags[stop - 1] = f"{end}-{kind}"
    return tags


def convert(tags: Sequence[str], scheme: str) -> list[str]:
    """Re-encode a tag sequence (any scheme) in ``scheme``."""
    return tags_from_spans(spans_from_tags(tags), len(tags), scheme)
