"""Registered optimizers and learning-rate schedules (torch imported when one is built).

``train.optimizer`` and ``train.scheduler`` name one (``adam.v1``) or give it with its own
settings (``{name: sgd.v1, momentum: 0.8}``); the learning rate, weight decay and warm-up are the
train section's, shared by every optimizer and schedule (and swept as ``train.lr``).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Annotated

from pydantic import Field

from mtf_lib import registry

Beta = Annotated[float, Field(ge=0, lt=1, description="Adam's moment decay")]
Eps = Annotated[float, Field(gt=0, description="added to the denominator, for stability")]

if TYPE_CHECKING:
    import torch
    from torch.optim.lr_scheduler import LambdaLR


@registry.optimizers("adam.v1")
def adam(
    params, lr: float, weight_decay: float = 0.0, *, beta1: Beta = 0.9, beta2: Beta = 0.999, eps: Eps = 1e-8
) -> torch.optim.Optimizer:  # noqa: ANN001,E501
    """Adam (L2 weight decay added to the gradient)."""
    import torch

    return torch.optim.Adam(params, lr=lr, weight_decay=weight_decay, betas=(beta1, beta2), eps=eps)


@registry.optimizers("adamw.v1")
def adamw(
    params, lr: float, weight_decay: float = 0.0, *, beta1: Beta = 0.9, beta2: Beta = 0.999, eps: Eps = 1e-8
) -> torch.optim.Optimizer:  # noqa: ANN001,E501
    """AdamW (decoupled weight decay)."""
    import torch

    return torch.optim.AdamW(params, lr=lr, weight_decay=weight_decay, betas=(beta1, beta2), eps=eps)


def _fused(make, params, **settings):  # noqa: ANN001, ANN202
    """One fused kernel for all parameters (CPU and CUDA); the multi-tensor version where fusing
    is not supported (another device or dtype)."""
    params = list(params)
    try:
        return make(params, fused=True, **settings)
    except (RuntimeError, ValueError):
        return make(params, foreach=True, **settings)


@registry.optimizers("adam.v2")
def adam_v2(
    params, lr: float, weight_decay: float = 0.0, *, beta1: Beta = 0.9, beta2: Beta = 0.999, eps: Eps = 1e-8
) -> torch.optim.Optimizer:  # noqa: ANN001,E501
    """Adam (L2 weight decay) in one fused kernel: adam.v1's update, several times faster per
    step for models of many tensors (a transformer); float rounding differs from adam.v1's."""
    import torch

    return _fused(torch.optim.Adam, params, lr=lr, weight_decay=weight_decay, betas=(beta1, beta2), eps=eps)


@registry.optimizers("adamw.v2")
def adamw_v2(
    params, lr: float, weight_decay: float = 0.0, *, beta1: Beta = 0.9, beta2: Beta = 0.999, eps: Eps = 1e-8
) -> torch.optim.Optimizer:  # noqa: ANN001,E501
    """AdamW (decoupled weight decay) in one fused kernel: adamw.v1's update, faster (see adam.v2)."""
    import torch

    return _fused(torch.optim.AdamW, params, lr=lr, weight_decay=weight_decay, betas=(beta1, beta2), eps=eps)


@registry.optimizers("sgd.v1")
def sgd(
    params,  # noqa: ANN001
    lr: float,
    weight_decay: float = 0.0,
    *,
    momentum: Annotated[float, Field(ge=0, lt=1)] = 0.9,
    nesterov: bool = False,
) -> torch.optim.Optimizer:
    """SGD with momentum (``nesterov``: Nesterov's)."""
    import torch

    return torch.optim.SGD(params, lr=lr, momentum=momentum, nesterov=nesterov, weight_decay=weight_decay)


def _warmup(step: int, warmup: int) -> float | None:
    return (step + 1) / warmup if step < warmup else None


@registry.schedulers("constant.v1")
def constant(optimizer: torch.optim.Optimizer, total_steps: int, warmup_steps: int) -> LambdaLR:
    """Linear warm-up, then the base learning rate."""
    from torch.optim.lr_scheduler import LambdaLR

    return LambdaLR(optimizer, lambda s: _warmup(s, warmup_steps) or 1.0)


@registry.schedulers("linear.v1")
def linear(optimizer: torch.optim.Optimizer, total_steps: int, warmup_steps: int) -> LambdaLR:
    """Linear warm-up, then linear decay to zero at ``total_steps``."""

    def factor(step: int) -> float:
        warm = _warmup(step, warmup_steps)
        if warm is not None:
            return warm
        return max(0.0, (total_steps - step) / max(1, total_steps - warmup_steps))

    from torch.optim.lr_scheduler import LambdaLR

    return LambdaLR(optimizer, factor)


@registry.schedulers("cosine.v1")
def cosine(optimizer: torch.optim.Optimizer, total_steps: int, warmup_steps: int) -> LambdaLR:
    """Linear warm-up, then cosine decay to zero at ``total_steps``."""

    def factor(step: int) -> float:
        warm = _warmup(step, warmup_steps)
        if warm is not None:
            return warm
        progress = min(1.0, (step - warmup_steps) / max(1, total_steps - warmup_steps))
        return 0.5 * (1.0 + math.cos(math.pi * progress))

    from torch.optim.lr_scheduler import LambdaLR

    return LambdaLR(optimizer, factor)


@registry.schedulers("inverse_sqrt.v1")
def inverse_sqrt(optimizer: torch.optim.Optimizer, total_steps: int, warmup_steps: int) -> LambdaLR:
    """Linear warm-up to the base rate, then decay with the inverse square root of the step
    (the Transformer's schedule): the rate at step s > warmup is lr * sqrt(warmup / s)."""
    from torch.optim.lr_scheduler import LambdaLR

    warmup = max(1, warmup_steps)
    return LambdaLR(optimizer, lambda s: _warmup(s, warmup) or math.sqrt(warmup / (s + 1)))
