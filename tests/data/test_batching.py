"""mtf_lib.data.batching.BucketBatchSampler: coverage, determinism, bucketing, DDP shares, len()."""

from __future__ import annotations

import random
from collections import Counter

import numpy as np
import pytest

from mtf_lib.data.batching import BucketBatchSampler


def _lengths(n: int, seed: int = 0) -> list[int]:
    rng = random.Random(seed)
    return [rng.randint(1, 120) for _ in range(n)]


def _batches(sampler: BucketBatchSampler) -> list[list[int]]:
    # A comprehension, not list(sampler): list() consults __len__, which is under test separately.
    return [batch for batch in iter(sampler)]


def _padding_ratio(batches: list[list[int]], lengths: list[int]) -> float:
    padded = sum(max(lengths[i] for i in b) * len(b) for b in batches)
    return 1 - sum(lengths[i] for b in batches for i in b) / padded


def test_batch_size_must_be_positive() -> None:
    with pytest.raises(ValueError, match="batch_size"):
        BucketBatchSampler([1, 2], batch_size=0)


@pytest.mark.parametrize("shuffle", [True, False])
@pytest.mark.parametrize("n", [1, 7, 64, 1000, 1003])
def test_every_index_exactly_once_per_epoch(shuffle: bool, n: int) -> None:
    sampler = BucketBatchSampler(_lengths(n), batch_size=16, shuffle=shuffle, seed=3, bucket_batches=4)
    for epoch in range(3):
        sampler.set_epoch(epoch)
        batches = _batches(sampler)
        flat = [i for b in batches for i in b]
        assert sorted(flat) == list(range(n))
        assert all(isinstance(i, int) for i in flat)
        assert all(1 <= len(b) <= 16 for b in batches)


def test_same_seed_and_epoch_give_the_same_order() -> None:
    lengths = _lengths(500)
    a = BucketBatchSampler(lengths, batch_size=8, seed=11)
    b = BucketBatchSampler(lengths, batch_size=8, seed=11)
    a.set_epoch(4)
    b.set_epoch(4)
    assert _batches(a) == _batches(b)
    assert _batches(a) == _batches(a)  # iterating again does not advance any hidden state


def test_order_changes_across_epochs_and_seeds() -> None:
    lengths = _lengths(500)
    sampler = BucketBatchSampler(lengths, batch_size=8, seed=11)
    per_epoch = []
    for epoch in range(3):
        sampler.set_epoch(epoch)
        per_epoch.append(_batches(sampler))
    assert per_epoch[0] != per_epoch[1] != per_epoch[2] != per_epoch[0]
    # Batch composition changes too, not only the order of the batches.
    assert {tuple(b) for b in per_epoch[0]} != {tuple(b) for b in per_epoch[1]}
    other_seed = BucketBatchSampler(lengths, batch_size=8, seed=12)
    assert _batches(other_seed) != per_epoch[0]


def test_resumed_sampler_sees_the_same_batches() -> None:
    lengths = _lengths(300)
    uninterrupted = BucketBatchSampler(lengths, batch_size=8, seed=5)
    for epoch in range(3):
        uninterrupted.set_epoch(epoch)
        expected = _batches(uninterrupted)
    resumed = BucketBatchSampler(lengths, batch_size=8, seed=5)
    resumed.set_epoch(2)
    assert _batches(resumed) == expected


def test_bucketing_reduces_padding() -> None:
    lengths = _lengths(4000, seed=1)
    bucketed = BucketBatchSampler(lengths, batch_size=32, seed=0, bucket_batches=50)
    random_batches = BucketBatchSampler(lengths, batch_size=32, seed=0, bucket_batches=1)  # window = one batch
    bucketed_ratio = _padding_ratio(_batches(bucketed), lengths)
    random_ratio = _padding_ratio(_batches(random_batches), lengths)
    assert random_ratio > 0.3
    assert bucketed_ratio < random_ratio / 5
    # Within each bucketed batch the lengths are close together.
    spreads = [max(lengths[i] for i in b) - min(lengths[i] for i in b) for b in _batches(bucketed)]
    assert np.median(spreads) <= 3


def test_without_shuffle_batches_are_sorted_by_length() -> None:
    lengths = _lengths(100)
    sampler = BucketBatchSampler(lengths, batch_size=10, shuffle=False)
    flat = [i for b in _batches(sampler) for i in b]
    assert [lengths[i] for i in flat] == sorted(lengths)
    sampler.set_epoch(7)
    assert [i for b in _batches(sampler) for i in b] == flat


@pytest.mark.parametrize("n", [1, 2, 99, 100, 1001])
@pytest.mark.parametrize("shuffle", [True, False])
def test_two_replicas_share_the_work(n: int, shuffle: bool) -> None:
    lengths = _lengths(n)
    ranks = [
        BucketBatchSampler(lengths, batch_size=8, shuffle=shuffle, seed=2, bucket_batches=3, rank=r, num_replicas=2)
        for r in (0, 1)
    ]
    for epoch in (0, 1):
        per_rank = []
        for sampler in ranks:
            sampler.set_epoch(epoch)
            per_rank.append(_batches(sampler))
        assert len(per_rank[0]) == len(per_rank[1]) == len(ranks[0]) == len(ranks[1])
        counts = Counter(i for batches in per_rank for b in batches for i in b)
        assert set(counts) == set(range(n))
        # Each rank gets ceil(n / 2) examples; at most one is repeated to even out the shares.
        share = -(-n // 2)
        assert [sum(len(b) for b in batches) for batches in per_rank] == [share, share]
        assert sum(counts.values()) - n == 2 * share - n


def test_two_replicas_are_deterministic_and_disjoint_for_even_n() -> None:
    lengths = _lengths(200)

    def rank_indices(rank: int) -> list[int]:
        sampler = BucketBatchSampler(lengths, batch_size=8, seed=9, rank=rank, num_replicas=2)
        sampler.set_epoch(3)
        return [i for b in _batches(sampler) for i in b]

    assert rank_indices(0) == rank_indices(0)
    assert not set(rank_indices(0)) & set(rank_indices(1))


@pytest.mark.parametrize("n", [1, 2, 5, 31, 32, 33, 100, 1000, 1601])
@pytest.mark.parametrize("batch_size", [1, 3, 32])
@pytest.mark.parametrize("shuffle", [True, False])
@pytest.mark.parametrize("num_replicas", [1, 2, 3])
def test_len_equals_number_of_batches(n: int, batch_size: int, shuffle: bool, num_replicas: int) -> None:
    lengths = _lengths(n)
    for rank in range(num_replicas):
        sampler = BucketBatchSampler(
            lengths, batch_size, shuffle=shuffle, bucket_batches=4, rank=rank, num_replicas=num_replicas
        )
        assert len(sampler) == len(_batches(sampler))
        assert len(list(sampler)) == len(sampler)


@pytest.mark.parametrize("shuffle", [True, False])
def test_len_of_an_empty_data_set_is_zero(shuffle: bool) -> None:
    sampler = BucketBatchSampler([], batch_size=4, shuffle=shuffle)
    assert _batches(sampler) == []
    assert len(sampler) == 0


def test_token_batches_hold_at_most_max_tokens_and_every_example_once() -> None:
    from mtf_lib.data.batching import TokenBatchSampler

    lengths = np.random.default_rng(0).integers(1, 40, size=1000)
    sampler = TokenBatchSampler(lengths, max_tokens=200, seed=3, window=256)
    sampler.set_epoch(1)
    batches = list(sampler)
    assert len(sampler) == len(batches)
    assert sorted(i for b in batches for i in b) == list(range(1000))
    assert all(len(b) * max(lengths[b]) <= 200 for b in batches)
    assert np.mean([len(b) * max(lengths[b]) for b in batches]) > 150  # batches are filled, not tiny
    again = TokenBatchSampler(lengths, max_tokens=200, seed=3, window=256)
    again.set_epoch(1)
    assert list(again) == batches  # a pure function of (seed, epoch): a resumed run sees the same batches
    sampler.set_epoch(2)
    assert list(sampler) != batches  # another order each epoch


def test_token_batches_refuse_a_limit_below_the_longest_example() -> None:
    from mtf_lib.data.batching import TokenBatchSampler

    with pytest.raises(ValueError, match=r"max_tokens \(10\) is below the longest example \(12 tokens\)"):
        TokenBatchSampler([3, 12], max_tokens=10)
