"""Train stage: build the model from params, fit it with the Trainer, save the bundle."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mtf_lib import registry
from mtf_lib.data.encoding import RaggedArrays
from mtf_lib.data.vocab import load_vocabs
from mtf_lib.models.ensemble import TaggerEnsemble
from mtf_lib.tasks.fitting import distributed, fit_task
from mtf_lib.tasks.tagging.decode import decode_examples
from mtf_lib.tasks.tagging.features import collate
from mtf_lib.tasks.tagging.model_io import build_model, save_tagging_bundle
from mtf_lib.training.distributed import DistInfo
from mtf_lib.training.seed import seed_everything
from mtf_lib.training.threads import set_threads
from mtf_lib.training.trainer import FitResult


class Examples:
    """Index access to the per-sentence arrays of an encoded split."""

    def __init__(self, arrays: RaggedArrays) -> None:
        self.arrays = arrays

    def __len__(self) -> int:
        return len(self.arrays)

    def __getitem__(self, index: int) -> dict:
        return {name: self.arrays.get(name, index) for name in self.arrays.fields}


def train(
    params: Any, data_dir: Path, checkpoint_dir: Path, bundle_dir: Path, live_dir: Path, progress: bool = True
) -> FitResult:
    set_threads(params.train.threads)
    return distributed(lambda dist: _train(params, data_dir, checkpoint_dir, bundle_dir, live_dir, dist, progress))


def _train(
    params: Any,
    data_dir: Path,
    checkpoint_dir: Path,
    bundle_dir: Path,
    live_dir: Path,
    dist: DistInfo,
    progress: bool,
) -> FitResult:
    tp = params.train
    vocabs = load_vocabs(data_dir / "vocab")
    train_set = Examples(RaggedArrays.load(data_dir / "train.npz"))
    dev_set = Examples(RaggedArrays.load(data_dir / "dev.npz"))
    gold_dev = [[vocabs["labels"].tokens[t] for t in dev_set[i]["tags"]] for i in range(len(dev_set))]
    model_params = params.model

    metric = registry.metrics.get(params.evaluate.metric)()

    def evaluate(m: Any) -> dict[str, float]:
        return metric(gold_dev, decode_examples(m, dev_set, vocabs["labels"], 2 * tp.batch_size)).overall

    members, results = [], []
    for k in range(tp.ensemble):
        # Member k: seed + k, its own checkpoints (a resumed run skips finished members at once);
        # the first member's curves go to the live folder, the others' beside their checkpoints.
        member_params = params.model_copy(update={"train": tp.model_copy(update={"seed": tp.seed + k})})
        member_dir = checkpoint_dir if tp.ensemble == 1 else checkpoint_dir / f"member{k}"
        seed_everything(tp.seed + k)
        model = build_model(model_params, vocabs)
        trainer, result = fit_task(
            member_params,
            model,
            train_set,
            train_set.arrays.lengths,
            collate,
            evaluate,
            member_dir,
            live_dir if k == 0 else member_dir / "live",
            dist,
            progress,
        )
        members.append(trainer.model)
        results.append(result)
    model, result = members[0], results[0]
    if tp.ensemble > 1:
        model = TaggerEnsemble(members)
        # The stage reports the ensemble's dev scores (metrics/dev.json) from the bundle.
        result = FitResult(evaluate(model), results[0].best_epoch, results[0].history, results[0].resumed_from_epoch)
    if dist.is_main:
        meta = {
            "model": model_params,
            "preprocess": params.preprocess.model_dump(),
            "params": params.model_dump(mode="json"),
            "dev_metrics": result.best_metrics,
            "best_epoch": result.best_epoch if tp.ensemble == 1 else None,  # an ensemble's: in members
            "ensemble": tp.ensemble,
            "members": [
                {"seed": tp.seed + k, "best_epoch": r.best_epoch, "dev_metrics": r.best_metrics}
                for k, r in enumerate(results)
            ],
        }
        save_tagging_bundle(bundle_dir, model, vocabs, meta)
    return result
