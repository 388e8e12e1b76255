"""Character-preserving text normalisation.

Every function maps one character to exactly one character, so tag sequences and entity
offsets computed on normalised text stay valid for the original text.
"""

from __future__ import annotations

import unicodedata

_FULLWIDTH_OFFSET = 0xFEE0  # U+FF01..U+FF5E are full-width forms of U+0021..U+007E


def to_halfwidth(char: str) -> str:
    """Full-width ASCII forms and the ideographic space → their half-width counterparts."""
    code = ord(char)
    if code == 0x3000:
        return " "
    if 0xFF01 <= code <= 0xFF5E:
        return chr(code - _FULLWIDTH_OFFSET)
    return char


def normalize_char(char: str) -> str:
    char = to_halfwidth(char)
    if char.isspace() or unicodedata.category(char) in ("Cc", "Cf"):
        return " "
    return char


def normalize_text(text: str) -> str:
    """Half-width forms, every whitespace or control character as one plain space."""
    return "".join(normalize_char(c) for c in text)
