"""Pair-scoring models (siamese.v1, esim.v1) and losses on tiny synthetic batches: shapes for
score and label targets, padding and absent references change nothing, a few steps learn,
state_dict round trips; CoSENT against its direct formula; aggregation over references."""

from __future__ import annotations

import itertools
import math
from typing import Any

import pytest
import torch

import mtf_lib.models.pair_scorers  # noqa: F401 - registers the pair-scoring components
from mtf_lib import registry
from mtf_lib.data.vocab import Vocab
from mtf_lib.models.pair_head import pair_outputs, valid_pairs
from mtf_lib.models.pair_loss import cosent
from mtf_lib.models.pair_types import PairTarget

VOCABS = {"tokens": Vocab([f"w{i}" for i in range(30)])}
SCORE = PairTarget("score")
LABEL = PairTarget("label", ("contradiction", "neutral", "entailment"))
N_FEATURES, N_GROUPS = 2, 4
CONFIGS = {
    "siamese_bilstm": {"name": "siamese.v1", "embed_dim": 8, "hidden": 6},
    "siamese_cnn": {
        "name": "siamese.v1",
        "encoder": "cnn",
        "embed_dim": 8,
        "hidden": 4,
        "kernel_sizes": [1, 3],
        "use_context": True,
        "group_dim": 3,
    },
    "esim": {"name": "esim.v1", "embed_dim": 8, "hidden": 6, "use_context": True, "group_dim": 3},
}


def model(config: str, target: PairTarget = SCORE, **settings: Any) -> torch.nn.Module:
    torch.manual_seed(0)
    section = {**CONFIGS[config], **settings}
    return registry.models.build(section, VOCABS, target, N_FEATURES, N_GROUPS).eval()


def example(a: list[int], refs: list[list[int]], context: list[int] = (), group: int = 0, **target: Any) -> dict:
    features = [[len(set(a) & set(r)) / max(1, len(set(a) | set(r))), float(len(r))] for r in refs]
    return {"a": a, "refs": refs, "context": list(context), "group": group, "features": features, **target}


def collate(examples: list[dict], extra_refs: int = 0, extra_len: int = 0, garbage: int = 0) -> dict[str, torch.Tensor]:
    """The batch of INTERFACE.md; ``extra_*``: more padding; ``garbage``: the id under every mask."""
    b_size = len(examples)
    refs = max(len(e["refs"]) for e in examples) + extra_refs
    la = max(1, max(len(e["a"]) for e in examples)) + extra_len
    lb = max(1, max(len(r) for e in examples for r in e["refs"])) + extra_len
    lc = max(1, max(len(e["context"]) for e in examples)) + extra_len
    batch = {
        "a": torch.full((b_size, la), garbage),
        "b": torch.full((b_size, refs, lb), garbage),
        "context": torch.full((b_size, lc), garbage),
        "a_mask": torch.zeros((b_size, la), dtype=torch.bool),
        "b_mask": torch.zeros((b_size, refs, lb), dtype=torch.bool),
        "context_mask": torch.zeros((b_size, lc), dtype=torch.bool),
        "ref_mask": torch.zeros((b_size, refs), dtype=torch.bool),
        "features": torch.full((b_size, refs, N_FEATURES), float(garbage)),
        "group": torch.tensor([e["group"] for e in examples]),
    }
    for i, e in enumerate(examples):
        batch["a"][i, : len(e["a"])] = torch.tensor(e["a"], dtype=torch.long)
        batch["a_mask"][i, : len(e["a"])] = True
        batch["context"][i, : len(e["context"])] = torch.tensor(e["context"], dtype=torch.long)
        batch["context_mask"][i, : len(e["context"])] = True
        for r, ref in enumerate(e["refs"]):
            batch["b"][i, r, : len(ref)] = torch.tensor(ref, dtype=torch.long)
            batch["b_mask"][i, r, : len(ref)] = True
            batch["ref_mask"][i, r] = True
            batch["features"][i, r] = torch.tensor(e["features"][r])
    for key, kind in (("score", torch.float32), ("labels", torch.long)):
        if all(key in e for e in examples):
            batch[key] = torch.tensor([e[key] for e in examples], dtype=kind)
    return batch


EXAMPLES = [
    example([2, 3, 4], [[2, 3, 4]], context=[9, 10], group=1, score=1.0, labels=2),
    example([5], [[6, 7], [5, 8, 9, 11], [12]], group=3, score=0.3, labels=1),
    example([6, 7, 8, 9, 10, 11, 12, 13], [[14, 15]], context=[2], group=0, score=0.0, labels=0),
    example([16, 17], [[16], []], context=[3, 4, 5], group=2, score=0.6, labels=1),
]


def outputs(m: torch.nn.Module, batch: dict[str, torch.Tensor], target: PairTarget) -> list[torch.Tensor]:
    out = m(batch)
    return [out["score"], out["pair_scores"]] if target.kind == "score" else [out["logits"], out["pair_logits"]]


@pytest.mark.parametrize("target", [SCORE, LABEL], ids=["score", "label"])
@pytest.mark.parametrize("config", list(CONFIGS))
def test_output_shapes_and_loss(config: str, target: PairTarget) -> None:
    m = model(config, target)
    batch = collate(EXAMPLES)
    out = m(batch)
    if target.kind == "score":
        assert out["score"].shape == (4,) and out["pair_scores"].shape == (4, 3)
        assert (out["pair_scores"][~batch["ref_mask"]] == 0).all()
    else:
        assert out["logits"].shape == (4, 3) and out["pair_logits"].shape == (4, 3, 3)
    assert out["loss"].shape == () and torch.isfinite(out["loss"])
    out["loss"].backward()
    assert "loss" not in m({k: v for k, v in batch.items() if k not in ("score", "labels")})


@pytest.mark.parametrize("target", [SCORE, LABEL], ids=["score", "label"])
@pytest.mark.parametrize("config", list(CONFIGS))
def test_padding_and_absent_references_change_nothing(config: str, target: PairTarget) -> None:
    m = model(config, target)
    alone = [outputs(m, collate([e]), target) for e in EXAMPLES]
    for padded in (collate(EXAMPLES), collate(EXAMPLES, extra_refs=2, extra_len=3, garbage=29)):
        aggregate, per_reference = outputs(m, padded, target)
        torch.testing.assert_close(aggregate, torch.cat([one[0] for one in alone]))
        for row, (e, one) in enumerate(zip(EXAMPLES, alone, strict=True)):
            n = len(e["refs"])
            torch.testing.assert_close(per_reference[row, :n], one[1][0, :n])


@pytest.mark.parametrize("config", list(CONFIGS))
def test_same_seed_same_model_and_state_dict_round_trip(config: str) -> None:
    batch = collate(EXAMPLES)
    first, second = model(config), model(config)
    torch.testing.assert_close(first(batch)["score"], second(batch)["score"], rtol=0, atol=0)
    torch.manual_seed(1)
    other = registry.models.build(CONFIGS[config], VOCABS, SCORE, N_FEATURES, N_GROUPS).eval()
    assert not torch.equal(other(batch)["score"], first(batch)["score"])
    other.load_state_dict(first.state_dict())
    torch.testing.assert_close(other(batch)["score"], first(batch)["score"], rtol=0, atol=0)


def identity_fixture() -> list[dict]:
    """Identical pairs score 1, disjoint ones 0 (features off: the text must tell)."""
    out = []
    for i in range(6):
        words = [2 + (3 * i + j) % 26 for j in range(3)]
        disjoint = [2 + (w + 13 - 2) % 26 for w in words]
        out += [example(words, [words], score=1.0, labels=1), example(words, [disjoint], score=0.0, labels=0)]
    return out


@pytest.mark.parametrize(
    ("config", "target", "loss"),
    [
        ("siamese_bilstm", SCORE, "mse.v1"),
        ("siamese_cnn", SCORE, "cosent.v1"),
        ("esim", SCORE, "mse.v1"),
        ("esim", PairTarget("label", ("different", "same")), "pair_cross_entropy.v1"),
    ],
)
def test_a_few_steps_learn_identical_from_disjoint(config: str, target: PairTarget, loss: str) -> None:
    m = model(config, target, use_features=False, dropout=0.0, loss=loss).train()
    batch = collate(identity_fixture())
    optimizer = torch.optim.Adam(m.parameters(), lr=0.02)
    losses: list[float] = []
    # Stops once halved: a loss driven to ~0 leaves denormal gradients, slow on CPUs.
    while len(losses) < 30 and (len(losses) < 2 or losses[-1] >= 0.5 * losses[0]):
        optimizer.zero_grad()
        out = m(batch)
        out["loss"].backward()
        optimizer.step()
        losses.append(out["loss"].item())
    assert losses[-1] < 0.5 * losses[0], losses


def test_default_loss_follows_the_target_and_a_misfit_is_refused() -> None:
    assert type(model("siamese_bilstm", SCORE).loss).__name__ == "ScoreMSE"
    assert type(model("siamese_bilstm", LABEL).loss).__name__ == "ClassCrossEntropy"
    with pytest.raises(ValueError, match="use loss: pair_cross_entropy.v1"):
        model("esim", LABEL, loss="cosent.v1")
    with pytest.raises(ValueError, match="use loss: mse.v1"):
        model("esim", SCORE, loss="pair_cross_entropy.v1")


def test_loss_names_do_not_collide_across_task_types() -> None:
    import mtf_lib.models.classifiers  # noqa: F401 - classification's cross_entropy.v1, beside ours

    assert registry.losses.tags("cross_entropy.v1")["task_type"] == "classification"
    for name in ("mse.v1", "cosent.v1", "pair_cross_entropy.v1"):
        assert registry.losses.tags(name)["task_type"] == "pair_scoring"


def direct_cosent(s: list[float], y: list[float], scale: float) -> float:
    total = sum(math.exp(scale * (s[j] - s[i])) for i, j in itertools.product(range(len(s)), repeat=2) if y[i] > y[j])
    return math.log(1 + total)


def test_cosent_matches_its_direct_formula() -> None:
    generator = torch.Generator().manual_seed(0)
    for scale in (1.0, 20.0):
        s = torch.rand(7, generator=generator) * 2 - 1
        y = torch.tensor([0.0, 0.2, 0.2, 1.0, 0.6, 0.0, 0.8])  # ties add nothing
        torch.testing.assert_close(
            cosent(s, y, scale).double(),
            torch.tensor(direct_cosent(s.tolist(), y.tolist(), scale), dtype=torch.float64),
        )


def test_cosent_is_zero_for_well_ordered_scores_and_stable_for_bad_ones() -> None:
    y = torch.tensor([0.0, 0.25, 0.5, 1.0])
    assert cosent(y * 10, y, 20.0).item() < 1e-30 + 1e-6
    assert cosent(torch.zeros(3), torch.zeros(3), 20.0).item() == 0.0  # no ordered pair
    bad = cosent(-y * 100, y, 20.0)  # exp(2000) would overflow without logsumexp
    assert torch.isfinite(bad) and bad.item() == pytest.approx(20.0 * 100 * 1.0, rel=1e-3)


def test_scores_aggregate_by_masked_max_and_logits_by_masked_mean() -> None:
    ref_mask = torch.tensor([[True, True, False], [True, False, False]])
    rows, refs = valid_pairs(ref_mask)
    per_pair = torch.tensor([[0.2], [-0.5], [-0.9]])  # pairs (0,0), (0,1), (1,0)
    batch = {"ref_mask": ref_mask, "score": torch.tensor([0.2, 0.0])}
    out = pair_outputs(per_pair, rows, refs, batch, SCORE, registry.losses.get("mse.v1")(SCORE))
    torch.testing.assert_close(out["score"], torch.tensor([0.2, -0.9]))  # an absent reference (0) never wins
    torch.testing.assert_close(out["pair_scores"], torch.tensor([[0.2, -0.5, 0.0], [-0.9, 0.0, 0.0]]))
    torch.testing.assert_close(out["loss"], torch.tensor(0.81 / 2))
    logits = torch.tensor([[1.0, 3.0], [3.0, 1.0], [0.0, 2.0]])
    two = PairTarget("label", ("no", "yes"))
    out = pair_outputs(logits, rows, refs, {"ref_mask": ref_mask}, two, torch.nn.Identity())
    torch.testing.assert_close(out["logits"], torch.tensor([[2.0, 2.0], [0.0, 2.0]]))
