"""The no-training pair baselines on slices of the real data sets (STS-B, SAS ADS): both beat a
constant, stay on the score scale, are deterministic and read preprocessed dicts as PairExamples."""

from __future__ import annotations

from dataclasses import asdict
from itertools import islice

import numpy as np
import pytest
from scipy.stats import spearmanr

from mtf_lib.metrics.pair import pair_scores
from mtf_lib.tasks.pair_scoring.baselines import BASELINES, CosineBaseline, GBDTBaseline, targets
from mtf_lib.text.pair_readers import PairExample, read_pair_jsonl, read_sts_pipe
from tests.conftest import mirror_dir


def sas(split: str, n: int) -> list[PairExample]:
    path = mirror_dir() / "sas_ads" / f"{split}.jsonl"
    refs = ["reference1", "reference2", "reference3"]
    return list(islice(read_pair_jsonl(path, "answer", refs, "score", "question", "q_id", allow_empty_a=True), n))


def sts(split: str, n: int) -> list[PairExample]:
    return list(islice(read_sts_pipe(mirror_dir() / "cnsd_sts_b" / f"cnsd-sts-{split}.txt"), n))


@pytest.fixture(scope="module")
def data() -> dict[str, tuple[list[PairExample], list[PairExample], int, int]]:
    return {"sts": (sts("train", 1200), sts("test", 300), 0, 5), "sas": (sas("train", 700), sas("test", 200), 0, 10)}


@pytest.mark.parametrize("corpus", ["sts", "sas"])
def test_baselines_beat_a_constant(data: dict, corpus: str) -> None:
    train, test, low, high = data[corpus]
    y = targets(test)
    constant = pair_scores(y, np.full(len(y), targets(train).mean()), low, high)
    for name, baseline in BASELINES.items():
        predicted = baseline(train, test, seed=0, low=low, high=high)
        assert predicted.shape == y.shape and low <= predicted.min() and predicted.max() <= high
        scores = pair_scores(y, predicted, low, high)
        assert scores["spearman"] > 0.4, (name, scores)
        assert scores["qwk"] > 0.3, (name, scores)
        if name == "gbdt_overlap":
            assert scores["rmse"] < 0.9 * constant["rmse"], (scores, constant)


def test_gbdt_is_deterministic_and_reads_dicts(data: dict) -> None:
    train, test, _, _ = data["sas"]
    first = GBDTBaseline(random_state=0).fit(train).predict(test)
    # Preprocessed records: dicts with refs as lists and the target as a float.
    dicts = [{**asdict(e), "refs": list(e.refs), "target": float(e.target)} for e in train]
    again = GBDTBaseline(random_state=0).fit(dicts).predict([{**asdict(e), "refs": list(e.refs)} for e in test])
    assert np.array_equal(first, again)


def test_cosine_fits_per_group_and_global(data: dict) -> None:
    train, test, _, _ = data["sas"]
    model = CosineBaseline(min_group=40).fit(train)
    sizes = {g: sum(e.group == g for e in train) for g in {e.group for e in train}}
    assert set(model.fits) == {""} | {g for g, n in sizes.items() if n >= 40}
    unknown = PairExample(test[0].a, test[0].refs, test[0].target, group="no such question")
    slope, intercept = model.fits[""]
    assert model.predict([unknown])[0] == pytest.approx(np.clip(slope * model.cosines([unknown])[0] + intercept, 0, 10))
    # Without groups the map is one increasing line: the ranking is the cosines'.
    train, test, _, _ = data["sts"]
    model = CosineBaseline().fit(train)
    assert list(model.fits) == [""] and model.fits[""][0] > 0
    assert spearmanr(model.predict(test), model.cosines(test)).statistic > 0.99


def test_non_numeric_target_is_refused() -> None:
    with pytest.raises(ValueError, match="line 3: target 'good' is not a number"):
        targets([PairExample("a", ("b",), "good", line=3)])
