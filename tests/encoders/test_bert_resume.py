"""A BERT tagger's training killed mid-run resumes to the same weights and history as a run that
never stopped, at an epoch boundary and mid-epoch (``train.eval_every``)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
from torch.utils.data import DataLoader

from mtf_lib import registry
from mtf_lib.data.batching import BucketBatchSampler
from mtf_lib.data.vocab import Vocab
from mtf_lib.encoders.pretrained import params_folder
from mtf_lib.tasks.sections import TrainParams
from mtf_lib.tasks.tagging.features import collate
from mtf_lib.training.callbacks import Callback, position_of
from mtf_lib.training.trainer import Trainer
from tests.encoders.tiny_models import encoder_section, make_tiny_bert

LABELS = Vocab(["O", "B-LOC", "E-LOC"], unknown=False)
SENTENCES = ["我在北京工作", "他去上海了", "北京很大", "上海和北京", "今天天气好", "北京欢迎你"] * 4


def example(text: str) -> dict[str, np.ndarray]:
    tags = [0] * len(text)
    for city in ("北京", "上海"):
        start = text.find(city)
        if start >= 0:
            tags[start], tags[start + 1] = 1, 2
    chars = np.ones(len(text), dtype=np.int64)  # the char-vocabulary ids a BiLSTM would read
    return {"chars": chars, "codepoints": np.asarray([ord(c) for c in text]), "labels": np.asarray(tags)}


class Crash(Exception):
    pass


class CrashAt(Callback):
    def __init__(self, position: int) -> None:
        self.position = position

    def on_epoch_end(self, trainer: Trainer, epoch: int, metrics: dict) -> None:
        if position_of(metrics) == self.position:
            raise Crash


@pytest.fixture(scope="module")
def bert(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_tiny_bert(tmp_path_factory.mktemp("bert"))


def trainer(bert: Path, checkpoints: Path, callbacks: list, eval_every: int) -> Trainer:
    torch.manual_seed(0)
    with params_folder(bert.parent):
        model = registry.models.build(
            {"name": "bert_tagger.v1", "encoder": encoder_section(bert.name, encoder_lr=1e-3)}, {}, LABELS
        )
    examples = [example(s) for s in SENTENCES]
    sampler = BucketBatchSampler([len(s) for s in SENTENCES], 4, shuffle=True, seed=7)
    loader = DataLoader(examples, batch_sampler=sampler, collate_fn=collate)
    dev = [collate(examples[:8])]

    def evaluate(m: torch.nn.Module) -> dict[str, float]:
        return {"f1": -sum(m(b)["loss"].item() for b in dev)}

    settings = TrainParams(epochs=3, lr=0.01, device="cpu", eval_every=eval_every, optimizer="adamw.v1")
    return Trainer(model, loader, evaluate, settings, checkpoints, "h", callbacks, progress=False)


@pytest.mark.parametrize(("eval_every", "crash_at"), [(0, 2), (4, 8)], ids=["epoch", "mid-epoch"])
def test_a_killed_bert_run_resumes_exactly(bert: Path, tmp_path: Path, eval_every: int, crash_at: int) -> None:
    full_trainer = trainer(bert, tmp_path / "full", [], eval_every)
    full = full_trainer.fit()
    with pytest.raises(Crash):
        trainer(bert, tmp_path / "crash", [CrashAt(crash_at)], eval_every).fit()
    resumed = trainer(bert, tmp_path / "crash", [Callback()], eval_every)
    result = resumed.fit()
    assert result.resumed_from_epoch >= 1
    assert result.history == full.history
    for name, value in full_trainer.model.state_dict().items():
        assert torch.equal(resumed.model.state_dict()[name], value), name
