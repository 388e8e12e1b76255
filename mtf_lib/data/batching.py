"""Length-bucketed batching: sequences of similar length share a batch, so little is padding.

The order is a pure function of (seed, epoch): a resumed run sees the same batches as an
uninterrupted one. Under DDP, torch's ``DistributedSampler`` gives each rank its share of
examples (padded to equal size, so all ranks run the same number of steps) and the bucketing
happens within that share.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence

import numpy as np


class BucketBatchSampler:
    """Yield lists of indices; each batch holds similar lengths, batch order is shuffled.

    Batches are cut from windows of ``bucket_batches * batch_size`` shuffled examples, each
    window sorted by length: near-minimal padding while keeping batches random across epochs.
    """

    def __init__(
        self,
        lengths: Sequence[int],
        batch_size: int,
        shuffle: bool = True,
        seed: int = 0,
        bucket_batches: int = 50,
        rank: int = 0,
        num_replicas: int = 1,
    ) -> None:
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        self.lengths = np.asarray(lengths)
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.seed = seed
        self.bucket_batches = bucket_batches
        self.rank = rank
        self.num_replicas = num_replicas
        self.epoch = 0

    def set_epoch(self, epoch: int) -> None:
        self.epoch = epoch

    def _indices(self) -> np.ndarray:
        n = len(self.lengths)
        if self.num_replicas > 1:
            from torch.utils.data import DistributedSampler

            sampler = DistributedSampler(
                range(n), num_replicas=self.num_replicas, rank=self.rank, shuffle=self.shuffle, seed=self.seed
            )
            sampler.set_epoch(self.epoch)
            return np.fromiter(sampler, dtype=np.int64)
        if self.shuffle:
            return np.random.default_rng([self.seed, self.epoch]).permutation(n)
        return np.arange(n)

    def _batches(self) -> list[list[int]]:
        indices = self._indices()
        if not self.shuffle:
            indices = indices[np.argsort(self.lengths[indices], kind="stable")]
            return [indices[i : i + self.batch_size].tolist() for i in range(0, len(indices), self.batch_size)]
        window = self.batch_size * self.bucket_batches
        batches: list[list[int]] = []
        for start in range(0, len(indices), window):
            chunk = indices[start : start + window]
            chunk = chunk[np.argsort(self.lengths[chunk], kind="stable")]
            batches.extend(chunk[i : i + self.batch_size].tolist() for i in range(0, len(chunk), self.batch_size))
        rng = np.random.default_rng([self.seed, self.epoch, 1])
        return [batches[i] for i in rng.permutation(len(batches))]

    def __iter__(self) -> Iterator[list[int]]:
        return iter(self._batches())

    def __len__(self) -> int:
        share = -(-len(self.lengths) // self.num_replicas)
        window = self.batch_size * self.bucket_batches if self.shuffle else max(share, 1)
        full, rest = divmod(share, window)
        return full * -(-window // self.batch_size) + -(-rest // self.batch_size)


class TokenBatchSampler(BucketBatchSampler):
    """Batches of at most ``max_tokens`` tokens (padded: size × longest), cut from windows of
    ``window`` shuffled examples sorted by length; batch order shuffled. Sequence models learn
    per token, and a fixed count of sentences would swing the tokens per step with their length."""

    def __init__(
        self,
        lengths: Sequence[int],
        max_tokens: int,
        shuffle: bool = True,
        seed: int = 0,
        window: int = 4096,
        rank: int = 0,
        num_replicas: int = 1,
    ) -> None:
        super().__init__(lengths, 1, shuffle, seed, 1, rank, num_replicas)
        longest = int(self.lengths.max()) if len(self.lengths) else 0
        if max_tokens < longest:
            raise ValueError(f"max_tokens ({max_tokens}) is below the longest example ({longest} tokens)")
        self.max_tokens = max_tokens
        self.window = window
        self._cache: tuple[int, list[list[int]]] | None = None

    def _cut(self, ordered: np.ndarray) -> list[list[int]]:
        batches, batch, longest = [], [], 0
        for index in ordered.tolist():
            length = int(self.lengths[index])
            if batch and (len(batch) + 1) * max(longest, length) > self.max_tokens:
                batches.append(batch)
                batch, longest = [], 0
            batch.append(index)
            longest = max(longest, length)
        if batch:
            batches.append(batch)
        return batches

    def _batches(self) -> list[list[int]]:
        if self._cache is not None and self._cache[0] == self.epoch:
            return self._cache[1]
        indices = self._indices()
        window = self.window if self.shuffle else max(len(indices), 1)
        batches: list[list[int]] = []
        for start in range(0, len(indices), window):
            chunk = indices[start : start + window]
            batches.extend(self._cut(chunk[np.argsort(self.lengths[chunk], kind="stable")]))
        if self.shuffle:
            rng = np.random.default_rng([self.seed, self.epoch, 1])
            batches = [batches[i] for i in rng.permutation(len(batches))]
        self._cache = (self.epoch, batches)
        return batches

    def __len__(self) -> int:
        return len(self._batches())


class FirstBatches:
    """The first ``count`` batches of ``sampler`` in each epoch (``train.fast_dev_run``)."""

    def __init__(self, sampler: BucketBatchSampler, count: int) -> None:
        self.sampler, self.count = sampler, count

    def set_epoch(self, epoch: int) -> None:
        self.sampler.set_epoch(epoch)

    def __iter__(self) -> Iterator[list[int]]:
        return itertools.islice(iter(self.sampler), self.count)

    def __len__(self) -> int:
        return min(self.count, len(self.sampler))
