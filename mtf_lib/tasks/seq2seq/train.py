"""Train stage: build the model from params, fit it with the Trainer on token-count batches,
keep the epoch of the best dev BLEU (greedy decoding, for speed), save the bundle."""

from __future__ import annotations

from typing import Any

from mtf_lib import registry
from mtf_lib.data.shards import SUFFIX
from mtf_lib.layout import StagePaths
from mtf_lib.tasks.common import read_preprocessed
from mtf_lib.tasks.fitting import Members, TrainPlan, train_stage
from mtf_lib.tasks.seq2seq.encoded import EncodedParallel, collate
from mtf_lib.tasks.seq2seq.model_io import build_model, save_seq2seq_bundle, sizes_of
from mtf_lib.tasks.seq2seq.params import DecodingParams
from mtf_lib.tasks.seq2seq.predictor import Seq2SeqPredictor
from mtf_lib.tasks.seq2seq.vocab import SidesVocab


def plan(params: Any, paths: StagePaths) -> TrainPlan:
    """One model on token-count batches of the encoded train split, scored by greedy decoding of dev
    through the Predictor that serves it."""
    vocab = SidesVocab.load(paths.dataset)
    train_set = EncodedParallel.load(paths.dataset / f"train{SUFFIX}")
    dev_records = read_preprocessed(paths.preprocessed / "dev.jsonl")
    references = [r["target"] for r in dev_records]
    metric = registry.metrics.build(params.evaluate.metric)
    decoding = DecodingParams.of(params.evaluate, beam=1)  # dev greedily, with test's length limits
    own = {"vocab": sizes_of(vocab), "dataset": params.dataset.model_dump(mode="json")}
    served_meta = {**own, "decoding": DecodingParams.of(params.evaluate).model_dump(mode="json")}
    # Dev goes through the served prediction path (encoded from its texts as requests are, cut
    # as evaluate cuts test), prepared once: its inputs do not depend on the weights.
    sources = Seq2SeqPredictor.for_model(served_meta, None, vocab).prepare(
        [r["source"] for r in dev_records], truncate=True
    )

    def score_dev(model: Any) -> dict[str, float]:
        results = Seq2SeqPredictor.for_model(served_meta, model, vocab).predict(
            sources, batch_size=params.evaluate.batch_size, decoding=decoding
        )
        return metric(references, [r["translation"] for r in results]).overall

    def save(fitted: Members, meta: dict[str, Any]) -> None:
        save_seq2seq_bundle(paths.bundle, fitted.model, vocab, meta)

    return TrainPlan(
        train_set,
        train_set.lengths(),
        lambda: build_model(params.model, None, own),
        collate,
        score_dev,
        save,
        meta=served_meta,
    )


train = train_stage(plan)
