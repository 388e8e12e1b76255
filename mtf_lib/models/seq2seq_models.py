"""Registered sequence-to-sequence models and their losses. Factories import torch lazily, so
that params validation and ``mtf components`` stay fast.

Positional factory arguments: the source and target vocabulary sizes and the longest sentence
in pieces (``dataset.max_len``); keyword-only: the model's settings.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import Field

from mtf_lib import registry
from mtf_lib.models.types import Dropout, PositiveInt

if TYPE_CHECKING:
    from mtf_lib.models.transformer_seq2seq import LabelSmoothedCrossEntropy, TransformerSeq2Seq

TASK = "seq2seq"


@registry.losses("label_smoothed_ce.v1", task_type=TASK)
def label_smoothed_ce(*, smoothing: Annotated[float, Field(ge=0, lt=1)] = 0.1) -> LabelSmoothedCrossEntropy:
    """Token cross-entropy, ``smoothing`` of each target's mass spread over the vocabulary."""
    from mtf_lib.models.transformer_seq2seq import LabelSmoothedCrossEntropy

    return LabelSmoothedCrossEntropy(smoothing)


@registry.models("transformer_seq2seq.v1", task_type=TASK)
def transformer_seq2seq(
    source_size: int,
    target_size: int,
    max_len: int,
    *,
    dim: PositiveInt = 256,
    layers: PositiveInt = 3,
    decoder_layers: PositiveInt = 3,
    heads: PositiveInt = 4,
    ffn: PositiveInt = 1024,
    dropout: Dropout = 0.1,
    positions: Literal["sinusoidal", "learnt"] = "sinusoidal",
    share_embeddings: Literal["none", "decoder", "all"] = "decoder",
    loss: registry.losses.ref(task_type=TASK) = "label_smoothed_ce.v1",
) -> TransformerSeq2Seq:
    """Encoder–decoder Transformer, pre-LayerNorm: ``layers`` encoder and ``decoder_layers``
    decoder layers of width ``dim``. ``share_embeddings``: decoder — the output layer is the
    target embedding (tied); all — one embedding for both sides too (dataset.joint: true)."""
    from mtf_lib.models.transformer_seq2seq import TransformerSeq2Seq

    return TransformerSeq2Seq(
        source_size,
        target_size,
        dim=dim,
        layers=layers,
        decoder_layers=decoder_layers,
        heads=heads,
        ffn=ffn,
        dropout=dropout,
        positions=positions,
        share_embeddings=share_embeddings,
        max_len=max_len,
        loss=registry.losses.build(loss),
    )
