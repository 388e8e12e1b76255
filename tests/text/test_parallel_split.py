"""Splitting parallel text by sentence groups: on the real Tatoeba file no dev or test sentence
(either side) occurs in train; the split is seeded; given dev/test files, the train pairs sharing
their sentences are dropped."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from mtf_lib.assets import fetch_dataset
from mtf_lib.text.parallel_readers import read_tatoeba
from mtf_lib.text.parallel_split import deduplicate, drop_leaks, group_split, groups_of, leaked, sentence_key


@dataclass(frozen=True)
class P:
    source: str
    target: str


@pytest.fixture(scope="module")
def tatoeba(tmp_path_factory: pytest.TempPathFactory) -> list:
    (path,) = fetch_dataset("tatoeba_cmn_eng", tmp_path_factory.mktemp("datasets"))
    return deduplicate(list(read_tatoeba(path, "cmn-eng")))


def test_the_tatoeba_split_leaks_no_sentence(tatoeba: list) -> None:
    assert len(tatoeba) == 29_041  # 29,155 lines, 114 repeated pairs (as the model sees them: NFKC)
    train, dev, test = group_split(tatoeba, 1000, 1500, seed=13)
    assert (len(train), len(dev), len(test)) == (len(tatoeba) - 2500, 1000, 1500)
    for held in (dev, test):
        assert not leaked(train, held)
        for side in ("source", "target"):  # as written, and as the model reads them
            assert not {getattr(p, side) for p in held} & {getattr(p, side) for p in train}
            assert not {sentence_key(getattr(p, side)) for p in held} & {sentence_key(getattr(p, side)) for p in train}
    assert not leaked(dev, test)
    # A random split of the same sizes would leak: the check is not vacuous.
    import random

    shuffled = random.Random(0).sample(tatoeba, len(tatoeba))
    assert leaked(shuffled[2500:], shuffled[:1500])


def test_the_split_is_seeded(tatoeba: list) -> None:
    first = group_split(tatoeba[:5000], 300, 300, seed=1)
    assert group_split(tatoeba[:5000], 300, 300, seed=1) == first
    assert group_split(tatoeba[:5000], 300, 300, seed=2)[2] != first[2]


def test_groups_join_pairs_through_shared_sentences() -> None:
    pairs = [P("你好。", "Hi."), P("嗨。", "Hi."), P("嗨。", "Hey."), P("再见。", "Bye.")]
    assert groups_of(pairs) == [0, 0, 0, 1]
    assert deduplicate([*pairs, P("你好。", "Hi.")]) == pairs
    train, dev, test = group_split(pairs, 1, 3, seed=0)
    assert sorted(map(len, (train, dev, test))) == [0, 1, 3]
    big = group_split(pairs, 1, 3, seed=0, max_group=2)  # the 3-pair group stays in train
    assert P("你好。", "Hi.") in big[0]


def test_given_held_out_files_drop_the_train_pairs_that_share_a_sentence() -> None:
    train = [P("你好。", "Hi."), P("嗨。", "Hello."), P("再见。", "Bye.")]
    kept, dropped = drop_leaks(train, [P("您好。", "Hi."), P("嗨。", "Hey.")])
    assert (kept, dropped) == ([P("再见。", "Bye.")], 2)
