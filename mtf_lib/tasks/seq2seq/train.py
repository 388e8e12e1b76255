"""Train stage: build the model from params, fit it with the Trainer on token-count batches,
keep the epoch of the best dev BLEU (greedy decoding, for speed), save the bundle."""

from __future__ import annotations

from typing import Any

from mtf_lib import registry
from mtf_lib.layout import StagePaths
from mtf_lib.tasks.common import read_preprocessed
from mtf_lib.tasks.fitting import Members, TrainPlan, train_stage
from mtf_lib.tasks.seq2seq.encoded import EncodedParallel, collate
from mtf_lib.tasks.seq2seq.model_io import build_model, save_seq2seq_bundle, sizes_of
from mtf_lib.tasks.seq2seq.params import DecodingParams
from mtf_lib.tasks.seq2seq.translate import translate_ids
from mtf_lib.tasks.seq2seq.vocab import SidesVocab


def plan(params: Any, paths: StagePaths) -> TrainPlan:
    """One model on token-count batches of the encoded train split, scored by greedy decoding of dev."""
    vocab = SidesVocab.load(paths.dataset)
    train_set = EncodedParallel.load(paths.dataset / "train.npz")
    dev_set = EncodedParallel.load(paths.dataset / "dev.npz")
    references = [r["target"] for r in read_preprocessed(paths.preprocessed / "dev.jsonl")]
    metric = registry.metrics.get(params.evaluate.metric)(tokenize=params.evaluate.tokenize)
    decoding = DecodingParams.of(params.evaluate, beam=1)  # dev greedily, with test's length limits
    own = {"vocab": sizes_of(vocab), "dataset": params.dataset.model_dump(mode="json")}

    def score_dev(model: Any) -> dict[str, float]:
        found = translate_ids(model, dev_set.source, decoding, params.evaluate.batch_size)
        return metric(references, vocab.target.decode([h[0].tokens for h in found])).overall

    def save(fitted: Members, meta: dict[str, Any]) -> None:
        save_seq2seq_bundle(paths.bundle, fitted.model, vocab, meta)

    return TrainPlan(
        train_set,
        train_set.lengths(),
        lambda: build_model(params.model, None, own),
        collate,
        score_dev,
        save,
        meta={**own, "decoding": DecodingParams.of(params.evaluate).model_dump(mode="json")},
    )


train = train_stage(plan)
