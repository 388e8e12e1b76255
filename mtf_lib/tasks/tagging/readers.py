"""Registered readers of tagged corpora (``preprocess.format``): each reads a file into
sentences with one tag per character, in the file's tag scheme (``preprocess.input_scheme``).

A reader factory's keyword-only arguments are its settings::

    preprocess:
      format: {name: conll.v1, tag_column: 3, join: " "}
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path

from mtf_lib import registry
from mtf_lib.text.readers import TaggedSentence, read_char_tagged, read_conll, read_jsonl

TaggingReader = Callable[[Path, str], Iterator[TaggedSentence]]  # (file, its tag scheme) → sentences


@registry.readers("char_tagged.v1", task_type="tagging")
def char_tagged() -> TaggingReader:
    """One `<char> <tag>` per line, a blank line between sentences (Resume NER's format)."""
    return read_char_tagged


@registry.readers("tagged_jsonl.v1", task_type="tagging")
def tagged_jsonl() -> TaggingReader:
    """JSON lines: {"text", "entities": [{"type", "start", "end"}]} or {"text", "tags"}."""
    return read_jsonl


@registry.readers("conll.v1", task_type="tagging")
def conll(
    *,
    token_column: int = 0,
    tag_column: int = -1,
    separator: str | None = None,
    join: str = "",
    docstart: str = "-DOCSTART-",
) -> TaggingReader:
    """CoNLL-style columns: a token and its tag per line (chosen columns, any separator; others ignored)."""
    return partial(
        read_conll, token_column=token_column, tag_column=tag_column, separator=separator, join=join, docstart=docstart
    )
