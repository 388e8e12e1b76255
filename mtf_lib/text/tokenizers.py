"""Registered tokenizers: how a text is cut into the tokens a model sees."""

from __future__ import annotations

from collections.abc import Callable

from mtf_lib import registry

Tokenizer = Callable[[str], list[str]]


@registry.tokenizers("char.v1")
def char_tokenizer() -> Tokenizer:
    """Every character is a token (Chinese NER and char-level models)."""
    return list


@registry.tokenizers("jieba.v1")
def jieba_tokenizer(*, hmm: bool = True) -> Tokenizer:
    """jieba word segmentation (precise mode)."""
    import jieba

    jieba.setLogLevel(60)

    def tokenize(text: str) -> list[str]:
        return jieba.lcut(text, HMM=hmm)

    return tokenize
