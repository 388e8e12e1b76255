"""mtf_lib.text.schemes: span extraction (conlleval semantics), encoding, conversion."""

from __future__ import annotations

import random

import pytest
from seqeval.metrics.sequence_labeling import get_entities

from mtf_lib.text.schemes import SCHEMES, convert, spans_from_tags, split_tag, tags_from_spans

# One entity set, written in each scheme: PER [0, 3), LOC [4, 5), ORG [5, 7), then O.
SPANS = [("PER", 0, 3), ("LOC", 4, 5), ("ORG", 5, 7)]
ENCODED = {
    "BIO": ["B-PER", "I-PER", "I-PER", "O", "B-LOC", "B-ORG", "I-ORG", "O"],
    "BIOES": ["B-PER", "I-PER", "E-PER", "O", "S-LOC", "B-ORG", "E-ORG", "O"],
    "BMES": ["B-PER", "M-PER", "E-PER", "O", "S-LOC", "B-ORG", "E-ORG", "O"],
}


@pytest.mark.parametrize(
    ("tag", "expected"),
    [("O", ("O", "")), ("B-ORG", ("B", "ORG")), ("S-X", ("S", "X")), ("M-A-B", ("M", "A-B"))],
)
def test_split_tag(tag: str, expected: tuple[str, str]) -> None:
    assert split_tag(tag) == expected


@pytest.mark.parametrize(
    "tag", ["", "B", "B-", "-PER", "X-PER", "BI-PER", "O-PER", "b-PER", "BPER", "o", "I_PER", "BM-X"]
)
def test_malformed_tag_raises(tag: str) -> None:
    with pytest.raises(ValueError, match="malformed tag"):
        split_tag(tag)
    with pytest.raises(ValueError, match="malformed tag"):
        spans_from_tags(["O", tag])


@pytest.mark.parametrize("scheme", SCHEMES)
def test_spans_from_tags_each_scheme(scheme: str) -> None:
    assert spans_from_tags(ENCODED[scheme]) == SPANS


@pytest.mark.parametrize("scheme", SCHEMES)
def test_tags_from_spans_each_scheme(scheme: str) -> None:
    assert tags_from_spans(SPANS, 8, scheme) == ENCODED[scheme]


@pytest.mark.parametrize("source", SCHEMES)
@pytest.mark.parametrize("target", SCHEMES)
def test_convert_between_schemes(source: str, target: str) -> None:
    assert convert(ENCODED[source], target) == ENCODED[target]


def test_empty_and_all_o() -> None:
    assert spans_from_tags([]) == []
    assert spans_from_tags(["O", "O"]) == []
    assert tags_from_spans([], 3, "BIOES") == ["O", "O", "O"]
    assert convert([], "BIO") == []


def test_entity_running_to_the_end_is_closed() -> None:
    assert spans_from_tags(["O", "B-X", "I-X"]) == [("X", 1, 3)]
    assert spans_from_tags(["B-X", "M-X"]) == [("X", 0, 2)]


def test_unknown_scheme_raises() -> None:
    with pytest.raises(ValueError, match="unknown tag scheme 'IOB2'"):
        tags_from_spans([], 2, "IOB2")
    with pytest.raises(ValueError, match="BIO, BIOES, BMES"):
        convert(["O"], "bio")


@pytest.mark.parametrize(
    ("tags", "expected"),
    [
        # I/M/E with no open entity start a new one (conlleval).
        (["I-X", "I-X", "O"], [("X", 0, 2)]),
        (["O", "M-X", "E-X"], [("X", 1, 3)]),
        (["E-X"], [("X", 0, 1)]),
        (["O", "E-X", "O"], [("X", 1, 2)]),
        # A type change closes the open entity and opens another.
        (["B-X", "I-Y", "I-Y"], [("X", 0, 1), ("Y", 1, 3)]),
        (["B-X", "E-Y"], [("X", 0, 1), ("Y", 1, 2)]),
        # B and S always start a new entity.
        (["B-X", "B-X"], [("X", 0, 1), ("X", 1, 2)]),
        (["B-X", "I-X", "S-X", "E-X"], [("X", 0, 2), ("X", 2, 3), ("X", 3, 4)]),
        # After E or S, a continuation tag starts a new entity.
        (["B-X", "E-X", "I-X", "E-X"], [("X", 0, 2), ("X", 2, 4)]),
        (["S-X", "I-X"], [("X", 0, 1), ("X", 1, 2)]),
        (["E-X", "E-X"], [("X", 0, 1), ("X", 1, 2)]),
        # B followed directly by O: a one-token entity.
        (["B-X", "O", "I-X"], [("X", 0, 1), ("X", 2, 3)]),
    ],
)
def test_ill_formed_sequences_decode_like_conlleval(tags: list[str], expected: list[tuple[str, int, int]]) -> None:
    assert spans_from_tags(tags) == expected


@pytest.mark.parametrize("scheme", SCHEMES)
def test_ill_formed_sequence_converts_to_well_formed(scheme: str) -> None:
    tags = ["I-X", "E-X", "B-Y", "I-X", "O", "M-Z"]
    converted = convert(tags, scheme)
    assert spans_from_tags(converted) == spans_from_tags(tags)
    assert convert(converted, scheme) == converted


def _random_spans(rng: random.Random, length: int, types: list[str]) -> list[tuple[str, int, int]]:
    spans, i = [], 0
    while i < length:
        if rng.random() < 0.4:
            stop = rng.randint(i + 1, min(length, i + 5))
            spans.append((rng.choice(types), i, stop))
            i = stop
        else:
            i += 1
    return spans


@pytest.mark.parametrize("scheme", SCHEMES)
def test_random_round_trips(scheme: str) -> None:
    rng = random.Random(f"round-trip-{scheme}")
    for _ in range(500):
        length = rng.randint(0, 20)
        spans = _random_spans(rng, length, ["A", "B", "LOC"])
        tags = tags_from_spans(spans, length, scheme)
        assert len(tags) == length
        assert spans_from_tags(tags) == spans
        for other in SCHEMES:
            assert spans_from_tags(convert(tags, other)) == spans
            assert convert(convert(tags, other), scheme) == tags


def _random_tags(rng: random.Random, prefixes: str, length: int) -> list[str]:
    types = ["PER", "LOC", "ORG"]
    return ["O" if (p := rng.choice("O" + prefixes)) == "O" else f"{p}-{rng.choice(types)}" for _ in range(length)]


def _seqeval_spans(tags: list[str]) -> set[tuple[str, int, int]]:
    return {(kind, start, end + 1) for kind, start, end in get_entities(tags)}


@pytest.mark.parametrize("prefixes", ["BI", "BIES"], ids=["BIO", "BIOES"])
def test_matches_seqeval_on_random_sequences(prefixes: str) -> None:
    rng = random.Random(f"seqeval-{prefixes}")
    checked = 0
    for _ in range(3000):
        tags = _random_tags(rng, prefixes, rng.randint(1, 12))
        ours = spans_from_tags(tags)
        assert len(ours) == len(set(ours))
        assert set(ours) == _seqeval_spans(tags), tags
        checked += bool(ours)
    assert checked > 2000  # the generator produced entities, not just O runs


@pytest.mark.parametrize("scheme", ["BIO", "BIOES"])
def test_matches_seqeval_on_well_formed_sequences(scheme: str) -> None:
    rng = random.Random(f"seqeval-well-formed-{scheme}")
    for _ in range(500):
        length = rng.randint(1, 25)
        tags = tags_from_spans(_random_spans(rng, length, ["PER", "LOC"]), length, scheme)
        assert set(spans_from_tags(tags)) == _seqeval_spans(tags), tags
