"""mtf_lib.text.normalize: half-width forms, spaces for whitespace/control chars, length kept."""

from __future__ import annotations

import sys
import unicodedata

import pytest

from mtf_lib.text.normalize import normalize_char, normalize_text, to_halfwidth


@pytest.mark.parametrize(
    ("full", "half"),
    [
        ("Ａ", "A"),
        ("ｚ", "z"),
        ("０", "0"),
        ("９", "9"),
        ("！", "!"),  # U+FF01, first of the range
        ("～", "~"),  # U+FF5E, last of the range
        ("，", ","),
        ("（", "("),
        ("＠", "@"),
        ("\u3000", " "),  # ideographic space
    ],
)
def test_to_halfwidth_maps_fullwidth_forms(full: str, half: str) -> None:
    assert to_halfwidth(full) == half
    assert normalize_char(full) == half


@pytest.mark.parametrize(
    "char",
    [
        "A",
        "中",
        "。",  # U+3002 ideographic full stop is not a full-width ASCII form
        "、",
        "\uff00",  # just below the range
        "\uff5f",  # just above the range (full-width white parenthesis)
        "ｱ",  # half-width katakana
        "😀",
        "é",
    ],
)
def test_to_halfwidth_leaves_other_characters(char: str) -> None:
    assert to_halfwidth(char) == char


def test_fullwidth_range_is_exactly_the_ascii_range() -> None:
    for code in range(0xFF01, 0xFF5F):
        assert to_halfwidth(chr(code)) == chr(code - 0xFEE0)
    assert to_halfwidth(chr(0xFF00)) == chr(0xFF00)
    assert to_halfwidth(chr(0xFF5F)) == chr(0xFF5F)


@pytest.mark.parametrize(
    "char",
    [
        " ",
        "\t",
        "\n",
        "\r",
        "\x0b",
        "\x0c",
        "\x00",  # NUL (Cc)
        "\x7f",  # DEL (Cc)
        "\x85",  # next line
        "\xa0",  # no-break space
        "\u2003",  # em space
        "\u2028",  # line separator
        "\u200b",  # zero-width space (Cf)
        "\u200d",  # zero-width joiner (Cf)
        "\ufeff",  # BOM / zero-width no-break space (Cf)
        "\u3000",  # ideographic space
    ],
)
def test_whitespace_and_control_chars_become_one_space(char: str) -> None:
    assert normalize_char(char) == " "
    assert normalize_text(f"a{char}b") == "a b"


def test_normalize_text_examples() -> None:
    assert normalize_text("ＡＢＣ１２３，中文\u3000测试\r\n") == "ABC123,中文 测试  "
    assert normalize_text("") == ""
    assert normalize_text("plain ascii!") == "plain ascii!"
    # Runs are not collapsed: each character maps to exactly one character.
    assert normalize_text("\t\t\u3000") == "   "


@pytest.mark.parametrize(
    "text",
    [
        "",
        "吴重阳，中国国籍，大学本科，教授级高工。",
        "Ｈｅｌｌｏ\u3000Ｗｏｒｌｄ！",
        "tab\there\r\nnew line\x00nul\u200bzw",
        "😀 emoji 𠀀 astral",
        "e\u0301 combining",
    ],
)
def test_normalize_text_preserves_length(text: str) -> None:
    out = normalize_text(text)
    assert len(out) == len(text)
    assert out == "".join(normalize_char(c) for c in text)


def test_every_code_point_maps_to_exactly_one_character() -> None:
    # Exhaustive over all code points (surrogates included): one char in, one char out, and the
    # output is the input, a plain space, or the half-width form.
    text = "".join(chr(code) for code in range(sys.maxunicode + 1))
    out = normalize_text(text)
    assert len(out) == len(text)
    for original, normalized in zip(text, out, strict=True):
        if normalized == original:
            continue
        half = to_halfwidth(original)
        if normalized == " ":
            assert half.isspace() or unicodedata.category(half) in ("Cc", "Cf"), hex(ord(original))
        else:
            assert normalized == half and 0xFF01 <= ord(original) <= 0xFF5E, hex(ord(original))


def test_normalize_text_is_idempotent() -> None:
    text = "".join(chr(code) for code in range(0x10000))
    once = normalize_text(text)
    assert normalize_text(once) == once
