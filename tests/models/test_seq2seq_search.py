"""Greedy and beam search on a tiny random Transformer: beam search is exhaustive search when the
beam holds every hypothesis, a beam of one is greedy, the key/value cache changes no output,
and n-best lists come best first."""

from __future__ import annotations

import itertools
import math

import pytest
import torch

from mtf_lib.models.seq2seq_search import NEVER, beam_search, greedy, length_limits, length_penalty
from mtf_lib.models.transformer_seq2seq import LabelSmoothedCrossEntropy, TransformerSeq2Seq
from mtf_lib.text.subword import BOS, EOS

TARGET_SIZE = 7  # 4 special ids + 3 real tokens: every hypothesis up to 4 tokens can be listed


def tiny_model(seed: int = 0, target_size: int = TARGET_SIZE) -> TransformerSeq2Seq:
    torch.manual_seed(seed)
    model = TransformerSeq2Seq(
        10,
        target_size,
        dim=16,
        layers=1,
        decoder_layers=2,
        heads=2,
        ffn=32,
        dropout=0.0,
        positions="sinusoidal",
        share_embeddings="decoder",
        max_len=12,
        loss=LabelSmoothedCrossEntropy(0.1),
    )
    return model.eval()


SOURCE = torch.tensor([[4, 5, 6, 0], [7, 8, 4, 5], [9, 0, 0, 0]])


def exhaustive(model: TransformerSeq2Seq, source: torch.Tensor, limit: int, alpha: float) -> tuple[tuple, float]:
    """The best (tokens, score) over every hypothesis of at most ``limit`` tokens, scored one at a time."""
    real = [t for t in range(model.target_size) if t not in (*NEVER, EOS)]
    best: tuple[tuple, float] = ((), -math.inf)
    for length in range(limit + 1):
        for tokens in itertools.product(real, repeat=length):
            state, _ = model.start(source[None], use_cache=False)
            prefix, log_prob = [BOS], 0.0
            for token in (*tokens, EOS):
                log_prob += model.step(state, torch.tensor([prefix]))[0, token].item()
                prefix.append(token)
            score = log_prob / length_penalty(length + 1, alpha)
            if score > best[1]:
                best = (tokens, score)
    return best


@pytest.mark.parametrize("alpha", [0.0, 1.0])
@pytest.mark.parametrize("seed", [0, 1])
def test_a_beam_holding_every_hypothesis_finds_the_exhaustive_best(alpha: float, seed: int) -> None:
    model = tiny_model(seed)
    limits = [3, 3, 3]
    found = beam_search(model, SOURCE, limits, beam=3**3 + 1, alpha=alpha)
    for row in range(len(SOURCE)):
        tokens, score = exhaustive(model, SOURCE[row, SOURCE[row] != 0], limits[row], alpha)
        assert found[row][0].tokens == tokens
        assert found[row][0].score == pytest.approx(score, abs=1e-5)


def test_beam_of_one_is_greedy() -> None:
    model = tiny_model(3, target_size=20)
    limits = length_limits(SOURCE, 2.0, 2, 12)
    beamed = [hyps[0] for hyps in beam_search(model, SOURCE, limits, beam=1)]
    assert [h.tokens for h in beamed] == [h.tokens for h in greedy(model, SOURCE, limits)]


@pytest.mark.parametrize("beam", [1, 4])
def test_the_cache_changes_no_output(beam: int) -> None:
    model = tiny_model(4, target_size=30)
    torch.manual_seed(5)
    source = torch.randint(4, 10, (6, 7))
    source[2, 4:] = 0
    limits = length_limits(source, 1.5, 3, 12)
    if beam == 1:
        cached, recomputed = greedy(model, source, limits), greedy(model, source, limits, use_cache=False)
    else:
        cached = [h for hyps in beam_search(model, source, limits, beam=beam, nbest=beam) for h in hyps]
        recomputed = [
            h for hyps in beam_search(model, source, limits, beam=beam, nbest=beam, use_cache=False) for h in hyps
        ]
    assert [h.tokens for h in cached] == [h.tokens for h in recomputed]
    assert [h.score for h in cached] == pytest.approx([h.score for h in recomputed], abs=1e-4)


def test_nbest_lists_come_best_first_within_the_length_limits() -> None:
    model = tiny_model(6, target_size=25)
    limits = [2, 5, 1]
    found = beam_search(model, SOURCE, limits, beam=5, nbest=3)
    for hyps, limit in zip(found, limits, strict=True):
        assert len(hyps) == 3
        assert [h.score for h in hyps] == sorted((h.score for h in hyps), reverse=True)
        assert all(len(h.tokens) <= limit and not set(h.tokens) & {*NEVER, EOS} for h in hyps)
    with pytest.raises(ValueError, match="nbest"):
        beam_search(model, SOURCE, limits, beam=2, nbest=3)


def test_decoding_is_deterministic_and_batch_independent() -> None:
    model = tiny_model(7, target_size=25)
    limits = length_limits(SOURCE, 2.0, 2, 12)
    together = beam_search(model, SOURCE, limits, beam=4)
    alone = [
        beam_search(model, SOURCE[i : i + 1, : int((SOURCE[i] != 0).sum())], limits[i : i + 1], beam=4)[0]
        for i in range(3)
    ]
    assert [h[0].tokens for h in together] == [h[0].tokens for h in alone]
    assert beam_search(model, SOURCE, limits, beam=4) == together
