"""The Trainer on a toy regression model: accumulation, clipping, early stopping, resume."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
from torch import nn

from mtf_lib.tasks.sections import TrainParams
from mtf_lib.training.callbacks import Callback, EarlyStopping
from mtf_lib.training.trainer import Trainer


class Toy(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.linear = nn.Linear(4, 1)
        self.drop = nn.Dropout(0.2)

    def forward(self, batch: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        pred = self.linear(self.drop(batch["x"])).squeeze(-1)
        return {"loss": nn.functional.mse_loss(pred, batch["y"])}


def toy_batches(n: int = 10) -> list[dict[str, torch.Tensor]]:
    gen = torch.Generator().manual_seed(0)
    weight = torch.tensor([1.0, -2.0, 0.5, 3.0])
    out = []
    for _ in range(n):
        x = torch.randn(8, 4, generator=gen)
        out.append({"x": x, "y": x @ weight})
    return out


def neg_loss(batches: list[dict[str, torch.Tensor]]):  # noqa: ANN201
    def evaluate(model: nn.Module) -> dict[str, float]:
        return {"f1": -sum(model(b)["loss"].item() for b in batches) / len(batches)}

    return evaluate


def make_trainer(tmp: Path, callbacks: list | dict | None = None, **overrides: object) -> Trainer:
    torch.manual_seed(0)
    settings = TrainParams(**{"epochs": 4, "lr": 0.05, "device": "cpu", **overrides})
    batches = toy_batches()
    return Trainer(Toy(), batches, neg_loss(batches), settings, tmp, "hash", callbacks or [], progress=False)


def test_fit_learns_and_keeps_best_weights(tmp_path: Path) -> None:
    trainer = make_trainer(tmp_path)
    result = trainer.fit()
    scores = [m["f1"] for m in result.history]
    assert scores[-1] > scores[0]
    assert result.best_metrics["f1"] == max(scores)
    # The model left behind is the best epoch's, not simply the last one.
    assert neg_loss(toy_batches())(trainer.model.eval())["f1"] == pytest.approx(max(scores), rel=1e-5)


def test_gradient_accumulation_counts_optimizer_steps(tmp_path: Path) -> None:
    trainer = make_trainer(tmp_path, grad_accum=3, epochs=2)
    trainer.fit()
    assert trainer.global_step == 2 * 4  # ceil(10 batches / 3) per epoch


def test_clipping_bounds_the_update(tmp_path: Path) -> None:
    trainer = make_trainer(tmp_path, clip_norm=1e-3, epochs=1, lr=1.0, optimizer="sgd.v1", scheduler="constant.v1")
    before = trainer.model.linear.weight.detach().clone()
    batches = toy_batches(1)
    trainer.train_loader = batches
    trainer.fit()  # one epoch of one batch: one optimizer step
    # SGD with momentum, one step: |Δw| ≤ lr * clip_norm.
    assert (trainer.model.linear.weight - before).norm() <= 1e-3 + 1e-9


def test_early_stopping_stops_after_patience(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    stopper = EarlyStopping(patience=1)
    trainer = make_trainer(tmp_path, callbacks=[stopper], epochs=50, lr=5.0, optimizer="sgd.v1")
    result = trainer.fit()
    assert len(result.history) < 50
    assert result.history[-1]["epoch"] == result.best_epoch + 1
    # The verdict comes after the line of the epoch it judged, as the last line.
    lines = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert lines[-2].startswith(f"epoch {len(result.history)}:") and lines[-1].startswith("early stopping:")


@pytest.mark.parametrize("ema_decay", [0.0, 0.9])
def test_resume_after_crash_matches_uninterrupted(tmp_path: Path, ema_decay: float) -> None:
    full_trainer = make_trainer(tmp_path / "full", ema_decay=ema_decay)
    full = full_trainer.fit()

    class Crash(Exception):
        pass

    class CrashAt:
        """Raises at the end of epoch 3, before its checkpoint: the run must redo epoch 3."""

        def on_fit_start(self, trainer: Trainer) -> None: ...
        def on_fit_end(self, trainer: Trainer) -> None: ...
        def state_dict(self) -> dict:
            return {}

        def load_state_dict(self, state: dict) -> None: ...
        def on_epoch_end(self, trainer: Trainer, epoch: int, metrics: dict) -> None:
            if epoch == 3:
                raise Crash

    with pytest.raises(Crash):
        make_trainer(tmp_path / "crash", callbacks=[CrashAt()], ema_decay=ema_decay).fit()
    resumed = make_trainer(tmp_path / "crash", callbacks=[Callback()], ema_decay=ema_decay)
    result = resumed.fit()
    assert result.resumed_from_epoch == 2
    assert result.history == full.history
    for name, value in full_trainer.model.state_dict().items():
        assert torch.equal(resumed.model.state_dict()[name], value)


def test_ema_is_evaluated_and_kept(tmp_path: Path) -> None:
    trainer = make_trainer(tmp_path, ema_decay=0.9, epochs=3)
    result = trainer.fit()
    assert trainer.ema is not None
    assert trainer.ema.updates == trainer.global_step == 3 * 10
    # The kept model is the best epoch's average (here: the last epoch's, the score still rising).
    assert result.best_epoch == 3
    for name, value in trainer.model.state_dict().items():
        assert torch.equal(value, trainer.ema.shadow[name])
    assert neg_loss(toy_batches())(trainer.model.eval())["f1"] == pytest.approx(result.best_metrics["f1"], rel=1e-5)


def test_monitor_must_be_a_dev_metric(tmp_path: Path) -> None:
    with pytest.raises(KeyError, match="train.monitor"):
        make_trainer(tmp_path, monitor="accuracy").fit()


def test_amp_is_ignored_on_cpu(tmp_path: Path) -> None:
    trainer = make_trainer(tmp_path, amp="bf16", epochs=1)
    assert trainer.amp_dtype is None
    trainer.fit()


# --- what pretrained encoders and other tasks need from the Trainer -----------------------------


class GroupedToy(Toy):
    """A model that supplies its own optimizer groups: the bias at ten times the rate, undecayed."""

    def param_groups(self, lr: float, weight_decay: float) -> list[dict]:
        return [
            {"params": [self.linear.weight], "lr": lr, "weight_decay": weight_decay},
            {"params": [self.linear.bias], "lr": 10 * lr, "weight_decay": 0.0},
        ]


def test_the_model_supplies_its_parameter_groups(tmp_path: Path) -> None:
    trainer = make_trainer(tmp_path, weight_decay=0.01, epochs=1)
    trainer.model = GroupedToy()
    grouped = Trainer(
        GroupedToy(), toy_batches(), neg_loss(toy_batches()), trainer.settings, tmp_path / "g", "h", progress=False
    )
    groups = grouped.optimizer.param_groups
    assert [g["weight_decay"] for g in groups] == [0.01, 0.0]
    assert groups[1]["lr"] == pytest.approx(10 * groups[0]["lr"])
    grouped.fit()
    assert groups[1]["initial_lr"] == pytest.approx(10 * groups[0]["initial_lr"])  # the schedule scales each


def test_a_minimised_monitor_keeps_the_lowest(tmp_path: Path) -> None:
    batches = toy_batches()

    def mse(model: nn.Module) -> dict[str, float]:
        return {"mse": sum(model(b)["loss"].item() for b in batches) / len(batches)}

    settings = TrainParams(epochs=4, lr=0.05, device="cpu", monitor="mse")
    trainer = Trainer(Toy(), batches, mse, settings, tmp_path, "h", progress=False, maximize=False)
    result = trainer.fit()
    assert result.best_metrics["mse"] == min(m["mse"] for m in result.history)


def test_the_objective_replaces_the_models_loss(tmp_path: Path) -> None:
    seen = []

    def objective(model: nn.Module, batch: dict) -> torch.Tensor:
        seen.append(len(batch["x"]))
        return 2 * model(batch)["loss"]

    batches = toy_batches()
    settings = TrainParams(epochs=1, lr=0.05, device="cpu")
    Trainer(Toy(), batches, neg_loss(batches), settings, tmp_path, "h", progress=False, objective=objective).fit()
    assert seen == [8] * len(batches)


def loader_trainer(tmp: Path, callbacks: list | None = None, **overrides: object) -> Trainer:
    """A real DataLoader over a length-bucketed, shuffled batch sampler (as tasks build them)."""
    from torch.utils.data import DataLoader

    from mtf_lib.data.batching import BucketBatchSampler

    torch.manual_seed(0)
    gen = torch.Generator().manual_seed(1)
    xs = torch.randn(96, 4, generator=gen)
    ys = xs @ torch.tensor([1.0, -2.0, 0.5, 3.0])
    examples = [{"x": x, "y": y} for x, y in zip(xs, ys, strict=True)]
    sampler = BucketBatchSampler([1 + n % 7 for n in range(96)], 8, shuffle=True, seed=3)
    loader = DataLoader(examples, batch_sampler=sampler, collate_fn=torch.utils.data.default_collate)
    settings = TrainParams(**{"epochs": 3, "lr": 0.05, "device": "cpu", "eval_every": 5, **overrides})
    return Trainer(Toy(), loader, neg_loss(toy_batches()), settings, tmp, "hash", callbacks or [], progress=False)


def test_evaluation_every_n_steps(tmp_path: Path) -> None:
    result = loader_trainer(tmp_path).fit()
    steps = [m["step"] for m in result.history]
    # 12 steps per epoch: every 5th, and the last one (36) so that the final weights are scored.
    assert steps == [5, 10, 15, 20, 25, 30, 35, 36]
    assert [m["epoch"] for m in result.history] == [1, 1, 2, 2, 3, 3, 3, 3]
    assert result.best_step == max(result.history, key=lambda m: m["f1"])["step"]


def test_a_kill_mid_epoch_resumes_exactly(tmp_path: Path) -> None:
    full_trainer = loader_trainer(tmp_path / "full")
    full = full_trainer.fit()

    class Crash(Exception):
        pass

    class CrashAfter(Callback):
        """Raises at the evaluation of step 20, before its checkpoint: the run resumes from step
        15's checkpoint, mid-epoch 2 (batch 3 of 12)."""

        def on_epoch_end(self, trainer: Trainer, epoch: int, metrics: dict) -> None:
            if metrics["step"] == 20:
                raise Crash

    with pytest.raises(Crash):
        loader_trainer(tmp_path / "crash", callbacks=[CrashAfter()]).fit()
    resumed = loader_trainer(tmp_path / "crash", callbacks=[Callback()])
    result = resumed.fit()
    assert result.resumed_from_epoch == 1
    assert result.history == full.history
    for name, value in full_trainer.model.state_dict().items():
        assert torch.equal(resumed.model.state_dict()[name], value)


@pytest.mark.parametrize(("v1", "v2"), [("adam.v1", "adam.v2"), ("adamw.v1", "adamw.v2")])
def test_fused_optimizers_make_the_same_update(v1: str, v2: str) -> None:
    """The .v2 optimizers fuse the update into one kernel: the same update up to float rounding."""
    from mtf_lib import registry

    models = []
    for name in (v1, v2):
        torch.manual_seed(0)
        toy = Toy()
        toy.drop.p = 0.0
        optimizer = registry.optimizers.get(name)(toy.parameters(), lr=0.01, weight_decay=0.01)
        for batch in toy_batches(5):
            optimizer.zero_grad()
            toy(batch)["loss"].backward()
            optimizer.step()
        models.append(toy)
    for a, b in zip(models[0].parameters(), models[1].parameters(), strict=True):
        torch.testing.assert_close(a, b, atol=1e-6, rtol=1e-5)
