"""The weight EMA: warm-up of the decay, copied integer buffers, swapping in and out, state."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from mtf_lib.training.ema import WeightAverage


class WithCounter(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.zeros(3))
        self.register_buffer("seen", torch.zeros((), dtype=torch.long))


def test_update_follows_the_warmed_up_decay() -> None:
    model = WithCounter()
    ema = WeightAverage(model, decay=0.9)
    expected = torch.zeros(3)
    for step in range(1, 30):
        with torch.no_grad():
            model.weight.fill_(float(step))
            model.seen.fill_(step)
        ema.update(model)
        d = min(0.9, (1 + step) / (10 + step))
        expected = d * expected + (1 - d) * step
        assert torch.allclose(ema.shadow["weight"], expected)
        assert ema.shadow["seen"].item() == step  # integer buffers are copied, not averaged


def test_applied_swaps_in_the_average_and_restores_the_weights() -> None:
    model = WithCounter()
    ema = WeightAverage(model, decay=0.5)
    with torch.no_grad():
        model.weight.fill_(4.0)
    with ema.applied(model) as averaged:
        assert averaged is model
        assert torch.equal(model.weight, torch.zeros(3))
    assert torch.equal(model.weight, torch.full((3,), 4.0))


def test_state_round_trip() -> None:
    model = WithCounter()
    ema = WeightAverage(model, decay=0.99)
    with torch.no_grad():
        model.weight.fill_(1.0)
    for _ in range(5):
        ema.update(model)
    other = WeightAverage(WithCounter(), decay=0.99)
    other.load_state_dict(ema.state_dict())
    assert other.updates == 5
    assert torch.equal(other.shadow["weight"], ema.shadow["weight"])


@pytest.mark.parametrize("decay", [0.0, 1.0, -0.1])
def test_decay_outside_the_open_unit_interval_is_refused(decay: float) -> None:
    with pytest.raises(ValueError, match="EMA decay"):
        WeightAverage(WithCounter(), decay)
