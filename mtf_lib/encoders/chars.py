"""One wordpiece id per character: how mtf feeds a pretrained encoder so that every input
character gets exactly one output (a tag, a vector), whatever a subword tokenizer would do.

Chinese BERT vocabularies hold every common CJK character, the digits and the Latin letters as
pieces of their own, so a character's id is its own piece's. An upper-case or accented letter
takes the piece of its lower-case, unaccented form (the vocabularies are uncased); whitespace
takes ``[unused1]`` (the basic tokenizer would drop it, and the character still needs a tag);
anything else (an emoji, a control character) is ``[UNK]``.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import numpy as np

CODEPOINTS = 0x110000
SPACE_TOKEN = "[unused1]"
VOCAB_FILE = "vocab.txt"
WHITESPACE = [code for code in range(0x3001) if chr(code).isspace()]  # none lies above U+3000


def read_vocab(folder: Path) -> dict[str, int]:
    """``vocab.txt`` of a BERT-style model folder: one piece per line, its id the line number."""
    lines = (Path(folder) / VOCAB_FILE).read_text(encoding="utf-8").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return {piece: index for index, piece in enumerate(lines)}


def _folded(char: str) -> str:
    """``char`` lower-cased and without accents, as an uncased BERT tokenizer reads it."""
    decomposed = unicodedata.normalize("NFD", char.lower())
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn")


def char_table(vocab: dict[str, int], lowercase: bool = True) -> np.ndarray:
    """``table[ord(c)]``: the id of character ``c``'s piece, for every code point (int32)."""
    unk = vocab.get("[UNK]", 0)
    table = np.full(CODEPOINTS, unk, dtype=np.int32)
    singles = {piece: index for piece, index in vocab.items() if len(piece) == 1}
    for piece, index in singles.items():
        table[ord(piece)] = index
    if lowercase:
        # Letters whose folded form is a piece: the Latin, Greek and Cyrillic blocks hold them all.
        for code in range(0x41, 0x530):
            char = chr(code)
            folded = _folded(char)
            if char not in singles and len(folded) == 1 and folded in singles:
                table[code] = singles[folded]
    table[WHITESPACE] = vocab.get(SPACE_TOKEN, unk)
    return table


def ids_of(text: str, table: np.ndarray) -> list[int]:
    return [int(table[ord(c)]) for c in text]
