"""Train stage: build the model from params, fit it (an ensemble with ``train.ensemble``), save the bundle."""

from __future__ import annotations

from typing import Any

from mtf_lib import registry
from mtf_lib.data.encoding import RaggedArrays
from mtf_lib.data.vocab import load_vocabs
from mtf_lib.distill.objective import TaggingDistillation
from mtf_lib.layout import StagePaths
from mtf_lib.models.ensemble import TaggerEnsemble
from mtf_lib.tasks.common import read_preprocessed
from mtf_lib.tasks.fitting import bundle_meta, distilled, distributed, fit_members, write_dev_metrics
from mtf_lib.tasks.tagging.features import collate, encode_split
from mtf_lib.tasks.tagging.model_io import build_model, save_tagging_bundle
from mtf_lib.tasks.tagging.predictor import WindowTagger
from mtf_lib.training.distributed import DistInfo
from mtf_lib.training.threads import set_threads


class Examples:
    """Index access to the per-sentence arrays of an encoded split."""

    def __init__(self, arrays: RaggedArrays) -> None:
        self.arrays = arrays

    def __len__(self) -> int:
        return len(self.arrays)

    def __getitem__(self, index: int) -> dict:
        return {name: self.arrays.get(name, index) for name in self.arrays.fields}


def train(params: Any, paths: StagePaths) -> dict[str, Any]:
    set_threads(params.train.threads)
    resumed = distributed(lambda dist: _train(params, paths, dist))
    return write_dev_metrics(paths, resumed)


def _train(params: Any, paths: StagePaths, dist: DistInfo) -> int:
    tp = params.train
    vocabs = load_vocabs(paths.dataset / "vocab")
    train_set = Examples(RaggedArrays.load(paths.dataset / "train.npz"))
    # Dev is scored as evaluate scores test: raw texts through the served path (windows and all).
    dev = read_preprocessed(paths.preprocessed / "dev.jsonl")
    preprocess = params.preprocess.model_dump(mode="json")
    dev_inputs = WindowTagger.for_params(None, vocabs, preprocess).prepare([r["text"] for r in dev])
    metric = registry.metrics.get(params.evaluate.metric)()

    def evaluate(m: Any) -> dict[str, float]:
        tagger = WindowTagger.for_params(m, vocabs, preprocess)
        return metric([r["tags"] for r in dev], tagger.tag(dev_inputs, 2 * tp.batch_size)).overall

    def encode_silver(records: list[dict]) -> tuple[Examples, Any]:
        arrays = encode_split(records, vocabs)
        return Examples(arrays), arrays.lengths

    training, lengths, objective = distilled(
        params, paths, train_set, train_set.arrays.lengths, vocabs["labels"].tokens, TaggingDistillation, encode_silver
    )
    fitted = fit_members(
        params,
        paths,
        dist,
        lambda: build_model(params.model, vocabs),
        training,
        lengths,
        collate,
        evaluate,
        TaggerEnsemble,
        objective,
    )
    if dist.is_main:
        meta = bundle_meta(params, fitted, paths.bundle, preprocess=params.preprocess.model_dump(mode="json"))
        save_tagging_bundle(paths.bundle, fitted.model, vocabs, meta)
    return fitted.resumed_from_epoch
