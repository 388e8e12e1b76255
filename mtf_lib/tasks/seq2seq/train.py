"""Train stage: build the model from params, fit it with the Trainer on token-count batches,
keep the epoch of the best dev BLEU (greedy decoding, for speed), save the bundle."""

from __future__ import annotations

from typing import Any

from mtf_lib import registry
from mtf_lib.layout import StagePaths
from mtf_lib.tasks.common import read_preprocessed
from mtf_lib.tasks.fitting import bundle_meta, distributed, fit_members, write_dev_metrics
from mtf_lib.tasks.seq2seq.encoded import EncodedParallel, collate
from mtf_lib.tasks.seq2seq.model_io import build_model, save_seq2seq_bundle, sizes_of
from mtf_lib.tasks.seq2seq.params import DecodingParams
from mtf_lib.tasks.seq2seq.translate import translate_ids
from mtf_lib.tasks.seq2seq.vocab import SidesVocab
from mtf_lib.training.distributed import DistInfo
from mtf_lib.training.threads import set_threads


def train(params: Any, paths: StagePaths) -> dict[str, Any]:
    set_threads(params.train.threads)
    resumed = distributed(lambda dist: _train(params, paths, dist))
    return write_dev_metrics(paths, resumed)


def _train(params: Any, paths: StagePaths, dist: DistInfo) -> int:
    vocab = SidesVocab.load(paths.dataset)
    train_set = EncodedParallel.load(paths.dataset / "train.npz")
    dev_set = EncodedParallel.load(paths.dataset / "dev.npz")
    references = [r["target"] for r in read_preprocessed(paths.preprocessed / "dev.jsonl")]
    metric = registry.metrics.get(params.evaluate.metric)(tokenize=params.evaluate.tokenize)
    decoding = DecodingParams.of(params.evaluate, beam=1)  # dev greedily, with test's length limits
    meta_base = {"vocab": sizes_of(vocab), "dataset": params.dataset.model_dump(mode="json")}

    def scored(model: Any) -> dict[str, float]:
        found = translate_ids(model, dev_set.source, decoding, params.evaluate.batch_size)
        return metric(references, vocab.target.decode([h[0].tokens for h in found])).overall

    fitted = fit_members(
        params,
        paths,
        dist,
        lambda: build_model(params.model, None, meta_base),
        train_set,
        train_set.lengths(),
        collate,
        scored,
    )
    if dist.is_main:
        decoding = DecodingParams.of(params.evaluate).model_dump(mode="json")
        meta = bundle_meta(params, fitted, paths.bundle, **meta_base, decoding=decoding)
        del meta["ensemble"]  # seq2seq trains one model
        save_seq2seq_bundle(paths.bundle, fitted.model, vocab, meta)
    return fitted.resumed_from_epoch
