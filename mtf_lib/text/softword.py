"""Word-level features for character taggers, from jieba's segmenter and dictionary.

- soft-word: each character's position (B/M/E/S) in jieba's segmentation of the sentence;
- lexicon: for each character, which dictionary words of the sentence it begins, continues,
  ends or forms alone (a 4-bit mask, one hex digit per character). Unlike the segmentation it
  keeps every matching word, so boundaries the segmenter missed are still visible.

Both run through ``chunked_map``: identical output for any worker count.
"""

from __future__ import annotations

from collections.abc import Sequence

from mtf_lib.data.parallel import chunked_map

SOFTWORD_TAGS = ("B", "M", "E", "S")
LEXICON_SYMBOLS = tuple("0123456789abcdef")
_BEGIN, _MIDDLE, _END, _SINGLE = 1, 2, 4, 8
_MAX_WORD = 8  # longer dictionary entries are idioms and phrases, rare in NER contexts


def word_positions(words: Sequence[str]) -> list[str]:
    """Per-character B/M/E/S positions of a word sequence."""
    out: list[str] = []
    for word in words:
        if len(word) == 1:
            out.append("S")
        else:
            out.extend(["B", *(["M"] * (len(word) - 2)), "E"])
    return out


def load_jieba():  # noqa: ANN201 - jieba, dictionary loaded (forked workers inherit it)
    import jieba

    jieba.setLogLevel(60)  # silence the dictionary-loading banner
    jieba.initialize()
    return jieba


def _segment_chunk(texts: list[str]) -> list[str]:
    jieba = load_jieba()
    return ["".join(word_positions(jieba.lcut(text, HMM=True))) for text in texts]


def lexicon_mask(text: str, freq: dict[str, int]) -> str:
    """One hex digit per char: bits B=1, M=2, E=4, S=8 over all dictionary words in ``text``."""
    masks = [0] * len(text)
    for start in range(len(text)):
        if freq.get(text[start]):
            masks[start] |= _SINGLE
        for end in range(start + 2, min(len(text), start + _MAX_WORD) + 1):
            word = text[start:end]
            if word not in freq:  # jieba's FREQ holds every prefix of every word (count 0)
                break
            if freq[word]:
                masks[start] |= _BEGIN
                for i in range(start + 1, end - 1):
                    masks[i] |= _MIDDLE
                masks[end - 1] |= _END
    return "".join(LEXICON_SYMBOLS[m] for m in masks)


def _lexicon_chunk(texts: list[str]) -> list[str]:
    freq = load_jieba().dt.FREQ
    return [lexicon_mask(text, freq) for text in texts]


def softword_features(texts: Sequence[str], workers: int = 0) -> list[str]:
    """One string of B/M/E/S per text (same length as the text). ``workers=0``: CPU count."""
    load_jieba()  # once, in the parent: forked workers inherit the loaded dictionary
    return chunked_map(_segment_chunk, texts, workers)


def lexicon_features(texts: Sequence[str], workers: int = 0) -> list[str]:
    """One string of hex lexicon masks per text (same length as the text)."""
    load_jieba()
    return chunked_map(_lexicon_chunk, texts, workers)
