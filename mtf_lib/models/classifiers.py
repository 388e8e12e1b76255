"""Registered text-classification models and their class loss. Factories import torch lazily, so
that params validation and ``mtf components`` stay fast; the modules live beside this one.

Positional factory arguments: the vocabularies, the label set and the train label counts (for
balanced class weights); keyword-only: the model's settings, the loss settings among them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import Field

from mtf_lib import registry
from mtf_lib.data.vocab import Vocab
from mtf_lib.models.types import Dropout, PositiveInt

if TYPE_CHECKING:
    from mtf_lib.models.bert_classifier import BertClassifier
    from mtf_lib.models.bilstm_attention import BiLSTMAttention
    from mtf_lib.models.class_loss import ClassCrossEntropy
    from mtf_lib.models.textcnn import TextCNN

LabelSmoothing = Annotated[float, Field(ge=0, lt=1)]
ClassWeights = Literal["none", "balanced"]


@registry.losses("cross_entropy.v1", task_type="classification")
def cross_entropy(
    num_classes: int,
    label_counts: Sequence[int] | None = None,
    *,
    label_smoothing: LabelSmoothing = 0.0,
    class_weights: ClassWeights = "none",
) -> ClassCrossEntropy:
    """Softmax cross-entropy over classes (text classification); optional balanced class weights.

    ``label_counts``: train examples per class, needed for ``class_weights: balanced``.
    """
    from mtf_lib.models.class_loss import ClassCrossEntropy, balanced_class_weights

    weight = None
    if class_weights == "balanced":
        if label_counts is None:
            raise ValueError("class_weights 'balanced' needs the train label counts")
        if len(label_counts) != num_classes:
            raise ValueError(f"{len(label_counts)} label counts for {num_classes} classes")
        weight = balanced_class_weights(label_counts)
    return ClassCrossEntropy(weight, label_smoothing)


def _class_loss(labels: Vocab, label_counts: Sequence[int] | None, label_smoothing: float, class_weights: str) -> Any:
    return registry.losses.get("cross_entropy.v1")(
        len(labels), label_counts, label_smoothing=label_smoothing, class_weights=class_weights
    )


@registry.models("textcnn.v1", task_type="classification")
def textcnn(
    vocabs: dict[str, Vocab],
    labels: Vocab,
    label_counts: Sequence[int] | None = None,
    *,
    embed_dim: PositiveInt = 128,
    filters: PositiveInt = 100,
    kernel_sizes: Annotated[Sequence[PositiveInt], Field(min_length=1)] = (2, 3, 4),
    dropout: Dropout = 0.5,
    label_smoothing: LabelSmoothing = 0.0,
    class_weights: ClassWeights = "none",
) -> TextCNN:
    """TextCNN text classifier: convolutions of several widths over token embeddings, max-pooled."""
    from mtf_lib.models.textcnn import TextCNN

    return TextCNN(
        n_tokens=len(vocabs["tokens"]),
        n_classes=len(labels),
        loss=_class_loss(labels, label_counts, label_smoothing, class_weights),
        embed_dim=embed_dim,
        filters=filters,
        kernel_sizes=list(kernel_sizes),
        dropout=dropout,
    )


@registry.models("bilstm_attention.v1", task_type="classification")
def bilstm_attention(
    vocabs: dict[str, Vocab],
    labels: Vocab,
    label_counts: Sequence[int] | None = None,
    *,
    embed_dim: PositiveInt = 128,
    hidden: PositiveInt = 128,
    layers: PositiveInt = 1,
    attention_dim: PositiveInt = 64,
    dropout: Dropout = 0.3,
    label_smoothing: LabelSmoothing = 0.0,
    class_weights: ClassWeights = "none",
) -> BiLSTMAttention:
    """BiLSTM text classifier with attention pooling over the token states."""
    from mtf_lib.models.bilstm_attention import BiLSTMAttention

    return BiLSTMAttention(
        n_tokens=len(vocabs["tokens"]),
        n_classes=len(labels),
        loss=_class_loss(labels, label_counts, label_smoothing, class_weights),
        embed_dim=embed_dim,
        hidden=hidden,
        layers=layers,
        attention_dim=attention_dim,
        dropout=dropout,
    )


@registry.models("bert_classifier.v1", task_type="classification")
def bert_classifier(
    vocabs: dict[str, Vocab],
    labels: Vocab,
    label_counts: Sequence[int] | None = None,
    *,
    encoder: registry.encoders.ref(),
    dropout: Dropout = 0.1,
    label_smoothing: LabelSmoothing = 0.0,
    class_weights: ClassWeights = "none",
) -> BertClassifier:
    """A pretrained encoder (``encoder``: transformer.v1 and its settings) fine-tuned to classify
    texts: its pooled vector (``encoder.pooling``), then a linear layer that learns at
    ``train.lr``. It reads the text through the model's own tokenizer, whatever
    ``preprocess.tokenizer`` is."""
    from mtf_lib.models.bert_classifier import BertClassifier

    return BertClassifier(
        registry.encoders.build(encoder),
        n_classes=len(labels),
        loss=_class_loss(labels, label_counts, label_smoothing, class_weights),
        dropout=dropout,
    )
