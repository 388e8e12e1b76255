"""mtf_lib.models.crf.CRF checked against brute-force enumeration of every tag path."""

from __future__ import annotations

import itertools

import pytest
import torch

from mtf_lib.models.crf import CRF

BATCH, MAX_LEN, NUM_TAGS = 3, 4, 3
LENGTHS = [4, 1, 2]  # full, length 1, in between; padding only at the end (left-aligned)


def _setup(seed: int) -> tuple[CRF, torch.Tensor, torch.Tensor]:
    torch.manual_seed(seed)
    crf = CRF(NUM_TAGS)
    with torch.no_grad():  # larger than the default init, so paths differ clearly in score
        for p in (crf.start, crf.end, crf.transitions):
            p.normal_(0, 1.0)
    emissions = torch.randn(BATCH, MAX_LEN, NUM_TAGS) * 2
    mask = torch.arange(MAX_LEN).unsqueeze(0) < torch.tensor(LENGTHS).unsqueeze(1)
    return crf, emissions, mask


def _path_score(crf: CRF, emissions: torch.Tensor, path: tuple[int, ...]) -> torch.Tensor:
    """Score of ``path`` for one sequence (emissions already cut to the path's length), by hand."""
    total = crf.start[path[0]] + emissions[0, path[0]]
    for i in range(1, len(path)):
        total = total + crf.transitions[path[i - 1], path[i]] + emissions[i, path[i]]
    return total + crf.end[path[-1]]


def _all_paths(length: int) -> list[tuple[int, ...]]:
    return list(itertools.product(range(NUM_TAGS), repeat=length))


def _brute_force(crf: CRF, emissions: torch.Tensor, length: int) -> tuple[torch.Tensor, tuple[int, ...]]:
    paths = _all_paths(length)
    scores = torch.stack([_path_score(crf, emissions[:length], p) for p in paths])
    return torch.logsumexp(scores, dim=0), paths[int(scores.argmax())]


def _with_noisy_padding(emissions: torch.Tensor, mask: torch.Tensor, seed: int) -> torch.Tensor:
    generator = torch.Generator().manual_seed(seed)
    noise = (torch.rand(emissions.shape, generator=generator) - 0.5) * 2e4
    return torch.where(mask.unsqueeze(2), emissions, noise)


def _padded_tags(paths: list[tuple[int, ...]], seed: int) -> torch.Tensor:
    generator = torch.Generator().manual_seed(seed)
    tags = torch.randint(0, NUM_TAGS, (BATCH, MAX_LEN), generator=generator)
    for b, path in enumerate(paths):
        tags[b, : len(path)] = torch.tensor(path)
    return tags


@pytest.mark.parametrize("seed", range(5))
def test_log_partition_equals_logsumexp_over_all_paths(seed: int) -> None:
    crf, emissions, mask = _setup(seed)
    log_z = crf.log_partition(emissions, mask)
    assert log_z.shape == (BATCH,)
    expected = torch.stack([_brute_force(crf, emissions[b], n)[0] for b, n in enumerate(LENGTHS)])
    torch.testing.assert_close(log_z, expected, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("seed", range(5))
def test_neg_log_likelihood_is_log_z_minus_gold_score(seed: int) -> None:
    crf, emissions, mask = _setup(seed)
    generator = torch.Generator().manual_seed(seed + 100)
    gold = [tuple(torch.randint(0, NUM_TAGS, (n,), generator=generator).tolist()) for n in LENGTHS]
    tags = _padded_tags(gold, seed)
    nll = crf.neg_log_likelihood(emissions, tags, mask)
    assert nll.shape == (BATCH,)
    expected = []
    for b, n in enumerate(LENGTHS):
        log_z, _ = _brute_force(crf, emissions[b], n)
        expected.append(log_z - _path_score(crf, emissions[b, :n], gold[b]))
    torch.testing.assert_close(nll, torch.stack(expected), rtol=1e-5, atol=1e-5)
    assert (nll > 0).all()  # every path has positive probability, so each gold path has p < 1
    torch.testing.assert_close(
        crf.score(emissions, tags, mask),
        torch.stack([_path_score(crf, emissions[b, :n], gold[b]) for b, n in enumerate(LENGTHS)]),
    )


def test_probabilities_of_all_paths_sum_to_one() -> None:
    crf, emissions, mask = _setup(7)
    for b, n in enumerate(LENGTHS):
        total = 0.0
        for path in _all_paths(n):
            tags = _padded_tags([path] * BATCH, 0)
            total += torch.exp(-crf.neg_log_likelihood(emissions, tags, mask)[b]).item()
        assert total == pytest.approx(1.0, abs=1e-5)


@pytest.mark.parametrize("seed", range(10))
def test_decode_returns_the_argmax_path(seed: int) -> None:
    crf, emissions, mask = _setup(seed)
    decoded = crf.decode(emissions, mask)
    expected = [list(_brute_force(crf, emissions[b], n)[1]) for b, n in enumerate(LENGTHS)]
    assert decoded == expected
    assert [len(p) for p in decoded] == LENGTHS


def test_decode_accepts_an_integer_mask() -> None:
    crf, emissions, mask = _setup(3)
    assert crf.decode(emissions, mask.long()) == crf.decode(emissions, mask)


@pytest.mark.parametrize("seed", range(5))
def test_padding_values_do_not_change_results(seed: int) -> None:
    crf, emissions, mask = _setup(seed)
    noisy = _with_noisy_padding(emissions, mask, seed)
    assert not torch.equal(noisy, emissions)
    gold = [tuple(t % NUM_TAGS for t in range(n)) for n in LENGTHS]
    tags = _padded_tags(gold, seed)
    other_padding_tags = _padded_tags(gold, seed + 1)

    torch.testing.assert_close(crf.log_partition(noisy, mask), crf.log_partition(emissions, mask))
    torch.testing.assert_close(
        crf.neg_log_likelihood(noisy, other_padding_tags, mask), crf.neg_log_likelihood(emissions, tags, mask)
    )
    assert crf.decode(noisy, mask) == crf.decode(emissions, mask)


def test_nll_is_differentiable() -> None:
    crf, emissions, mask = _setup(0)
    emissions = _with_noisy_padding(emissions, mask, 0).requires_grad_(True)
    tags = _padded_tags([(0, 1, 2, 0), (1,), (2, 2)], 0)
    loss = crf.neg_log_likelihood(emissions, tags, mask).sum()
    loss.backward()
    for grad in (emissions.grad, crf.start.grad, crf.end.grad, crf.transitions.grad):
        assert grad is not None
        assert torch.isfinite(grad).all()
    assert crf.transitions.grad.abs().sum() > 0
    # Padding positions get no gradient; real positions do.
    assert (emissions.grad[~mask] == 0).all()
    assert (emissions.grad[mask].abs().sum(-1) > 0).all()
    # Gradient of the log-partition w.r.t. emissions is the tag marginals: they sum to 1 per real position.
    emissions.grad = None
    crf.log_partition(emissions, mask).sum().backward()
    torch.testing.assert_close(emissions.grad[mask].sum(-1), torch.ones(int(mask.sum())))


def test_nll_gradient_matches_finite_differences() -> None:
    crf, emissions, mask = _setup(1)
    crf = crf.double()
    emissions = emissions.double().requires_grad_(True)
    tags = _padded_tags([(0, 1, 2, 0), (1,), (2, 2)], 0)
    assert torch.autograd.gradcheck(
        lambda e: crf.log_partition(e, mask) - crf.score(e, tags, mask), (emissions,), eps=1e-6, atol=1e-4
    )
