"""Fine-tuning parameter groups of a model around a pretrained encoder (the Trainer takes them
from ``model.param_groups``): the encoder at its own, lower learning rate, decaying layer by
layer towards the embeddings; the rest (a linear layer, a CRF) at ``train.lr``; no weight decay
on biases and LayerNorm; the first layers optionally frozen."""

from __future__ import annotations

import re
from typing import Any

from torch import nn

LAYER = re.compile(r"(?:^|\.)layers?\.(\d+)\.")
NO_DECAY = ("bias", "LayerNorm.weight", "layer_norm.weight", "LayerNorm.bias")


def depth_of(name: str, layers: int) -> int:
    """0 for the embeddings, i + 1 for layer i, ``layers + 1`` for anything above the layers."""
    if "embeddings" in name:
        return 0
    match = LAYER.search(name)
    return int(match.group(1)) + 1 if match else layers + 1


def decays(name: str) -> bool:
    return not name.endswith(NO_DECAY)


def freeze_layers(encoder: nn.Module, layers: int, count: int) -> None:
    """No gradient for the embeddings and the first ``count`` layers."""
    if count <= 0:
        return
    for name, parameter in encoder.named_parameters():
        if depth_of(name, layers) <= count:
            parameter.requires_grad_(False)


def encoder_param_groups(
    model: nn.Module,
    encoder: nn.Module,
    layers: int,
    lr: float,
    encoder_lr: float,
    weight_decay: float,
    layer_decay: float = 1.0,
) -> list[dict[str, Any]]:
    """Optimizer groups of ``model``: ``encoder``'s parameters at ``encoder_lr`` times
    ``layer_decay`` per layer below the top, the others at ``lr``."""
    groups: dict[tuple[float, float], list[nn.Parameter]] = {}
    inside = {id(p) for p in encoder.parameters()}
    for name, parameter in encoder.named_parameters():
        if parameter.requires_grad:
            scale = layer_decay ** (layers + 1 - depth_of(name, layers))
            key = (encoder_lr * scale, weight_decay if decays(name) else 0.0)
            groups.setdefault(key, []).append(parameter)
    for name, parameter in model.named_parameters():
        if parameter.requires_grad and id(parameter) not in inside:
            groups.setdefault((lr, weight_decay if decays(name) else 0.0), []).append(parameter)
    return [{"params": params, "lr": rate, "weight_decay": decay} for (rate, decay), params in groups.items()]
