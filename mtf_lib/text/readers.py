"""Readers for tagged corpora: char-per-line files (BMES/BIO/BIOES), CoNLL-style column files
and JSONL. (Registered as components in ``mtf_lib.tasks.tagging.readers``.)

Each reader yields ``TaggedSentence`` records, one tag per character, and reports malformed
input with the file and line, so a bad data file is fixed at its source instead of failing deep
inside training.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from mtf_lib.errors import InputError
from mtf_lib.text.schemes import spans_from_tags, split_tag, tags_from_spans


class DataFormatError(InputError):
    """A data file does not have the expected format."""


@dataclass(frozen=True)
class TaggedSentence:
    chars: list[str]
    tags: list[str]

    def __post_init__(self) -> None:
        if len(self.chars) != len(self.tags):
            raise ValueError(f"{len(self.chars)} chars but {len(self.tags)} tags")


def read_char_tagged(path: str | Path, scheme: str = "BMES") -> Iterator[TaggedSentence]:
    """One ``<char> <tag>`` per line, sentences separated by blank lines (tags as written)."""
    path = Path(path)
    chars: list[str] = []
    tags: list[str] = []
    with path.open(encoding="utf-8") as handle:
        for lineno, line in enumerate(handle, 1):
            line = line.rstrip("\n").rstrip("\r")
            if not line.strip():
                if chars:
                    yield TaggedSentence(chars, tags)
                    chars, tags = [], []
                continue
            char, tag = _split_char_line(line, path, lineno)
            try:
                split_tag(tag)
            except ValueError as exc:
                raise DataFormatError(f"{path}:{lineno}: {exc}") from None
            chars.append(char)
            tags.append(tag)
    if chars:
        yield TaggedSentence(chars, tags)


def _split_char_line(line: str, path: Path, lineno: int) -> tuple[str, str]:
    # The char itself may be a space-like symbol, so split on the last separator.
    head, sep, tag = line.rpartition(" ")
    if not sep:
        head, sep, tag = line.rpartition("\t")
    if not sep or len(head) != 1:
        raise DataFormatError(
            f"{path}:{lineno}: expected '<one char> <tag>', got {line!r}"
            " (char-tagged files hold one character and its tag per line)"
        )
    return head, tag


def read_conll(
    path: str | Path,
    scheme: str = "BIO",
    token_column: int = 0,
    tag_column: int = -1,
    separator: str | None = None,
    join: str = "",
    docstart: str = "-DOCSTART-",
) -> Iterator[TaggedSentence]:
    """One token per line with its tag in a column, sentences separated by blank lines.

    Columns are split on ``separator`` (None: any run of whitespace); other columns are ignored;
    a line starting with ``docstart`` ends the sentence and is skipped. Tokens are joined with
    ``join`` ("" for characters or Chinese words, " " for English words) into the sentence's
    text; each entity's characters get its tags (in ``scheme``), so an entity never starts or
    ends on the joining spaces.
    """
    path = Path(path)
    tokens: list[str] = []
    tags: list[str] = []
    need = max(
        token_column if token_column >= 0 else -token_column - 1, tag_column if tag_column >= 0 else -tag_column - 1
    )
    with path.open(encoding="utf-8") as handle:
        for lineno, line in enumerate(handle, 1):
            line = line.rstrip("\n").rstrip("\r")
            columns = line.split(separator) if line.strip() else []
            if not columns or (docstart and columns[0] == docstart):
                if tokens:
                    yield _joined(tokens, tags, join, scheme)
                    tokens, tags = [], []
                continue
            if len(columns) <= need:
                raise DataFormatError(
                    f"{path}:{lineno}: {len(columns)} column(s) in {line!r}, but token_column is {token_column} "
                    f"and tag_column {tag_column}; set them (and separator) in preprocess.format"
                )
            token, tag = columns[token_column], columns[tag_column]
            if not token:
                raise DataFormatError(f"{path}:{lineno}: empty token in {line!r}")
            try:
                split_tag(tag)
            except ValueError as exc:
                raise DataFormatError(f"{path}:{lineno}: {exc} (is tag_column {tag_column} the tag column?)") from None
            tokens.append(token)
            tags.append(tag)
    if tokens:
        yield _joined(tokens, tags, join, scheme)


def _joined(tokens: list[str], tags: list[str], join: str, scheme: str) -> TaggedSentence:
    """Token-level tags → one tag per character of the joined text."""
    starts, position = [], 0
    for token in tokens:
        starts.append(position)
        position += len(token) + len(join)
    text = join.join(tokens)
    spans = [(kind, starts[a], starts[b - 1] + len(tokens[b - 1])) for kind, a, b in spans_from_tags(tags)]
    return TaggedSentence(list(text), tags_from_spans(spans, len(text), scheme))


def read_jsonl(path: str | Path, scheme: str = "BIOES") -> Iterator[TaggedSentence]:
    """``{"text": ..., "entities": [{"type", "start", "end"}]}`` or ``{"text", "tags"}`` per line."""
    path = Path(path)
    with path.open(encoding="utf-8") as handle:
        for lineno, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                text = record["text"]
                if "tags" in record:
                    tags = list(record["tags"])
                    spans_from_tags(tags)  # validates every tag
                else:
                    spans = [(e["type"], int(e["start"]), int(e["end"])) for e in record.get("entities", [])]
                    _check_spans(spans, len(text))
                    tags = tags_from_spans(spans, len(text), scheme)
                yield TaggedSentence(list(text), tags)
            except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
                raise DataFormatError(
                    f"{path}:{lineno}: {type(exc).__name__}: {exc}"
                    ' (expected {"text": str, "entities": [{"type", "start", "end"}]} or {"text", "tags"})'
                ) from None


def _check_spans(spans: list[tuple[str, int, int]], length: int) -> None:
    last_end = 0
    for kind, start, end in sorted(spans, key=lambda s: s[1]):
        if not 0 <= start < end <= length:
            raise ValueError(f"entity {kind} [{start}, {end}) is outside the text of length {length}")
        if start < last_end:
            raise ValueError(f"entity {kind} [{start}, {end}) overlaps the previous entity")
        last_end = end
