"""Registered pair-scoring models and their losses. Factories import torch lazily, so that
params validation and ``mtf components`` stay fast; the modules live beside this one.

Positional factory arguments: the vocabularies, the target (``PairTarget``: a score or a label),
the number of overlap features per pair and of groups; keyword-only: the model's settings.
Losses take the target; their ``target_kind`` tag says which kind each fits.

``loss``: a loss name or ``{name, <its settings>}``; left out (null), the kind's own:
``mse.v1`` for scores, ``pair_cross_entropy.v1`` for labels.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import Field

from mtf_lib import registry
from mtf_lib.data.vocab import Vocab
from mtf_lib.models.pair_types import PairTarget
from mtf_lib.models.types import Dropout, PositiveInt

if TYPE_CHECKING:
    from torch import nn

    from mtf_lib.models.bert_pair import BertBiEncoder, BertCrossEncoder
    from mtf_lib.models.class_loss import ClassCrossEntropy
    from mtf_lib.models.esim import ESIMScorer
    from mtf_lib.models.pair_loss import CoSENT, ScoreMSE
    from mtf_lib.models.siamese import SiameseScorer

TASK = "pair_scoring"
DEFAULT_LOSS = {"score": "mse.v1", "label": "pair_cross_entropy.v1"}
NonNegative = Annotated[int, Field(ge=0)]
LossRef = registry.losses.ref(task_type=TASK) | None


def _needs(target: PairTarget, kind: str, loss: str) -> None:
    if target.kind != kind:
        fitting = DEFAULT_LOSS[target.kind]
        raise ValueError(f"loss {loss} fits {kind} targets, not {target.kind} ones: use loss: {fitting}")


@registry.losses("mse.v1", task_type=TASK, target_kind="score")
def mse(target: PairTarget) -> ScoreMSE:
    """Mean squared error of the score against the target mapped to [0, 1]."""
    from mtf_lib.models.pair_loss import ScoreMSE

    _needs(target, "score", "mse.v1")
    return ScoreMSE()


@registry.losses("cosent.v1", task_type=TASK, target_kind="score")
def cosent(target: PairTarget, *, scale: Annotated[float, Field(gt=0, le=1000)] = 20.0) -> CoSENT:
    """CoSENT ranking loss over every pair of the batch: only the scores' order is learnt, so
    predicted scores are not on the target's range (fits Spearman / Pearson evaluation)."""
    from mtf_lib.models.pair_loss import CoSENT

    _needs(target, "score", "cosent.v1")
    return CoSENT(scale)


@registry.losses("pair_cross_entropy.v1", task_type=TASK, target_kind="label")
def pair_cross_entropy(
    target: PairTarget, *, label_smoothing: Annotated[float, Field(ge=0, lt=1)] = 0.0
) -> ClassCrossEntropy:
    """Softmax cross-entropy of the labels' logits (averaged over the references)."""
    from mtf_lib.models.class_loss import ClassCrossEntropy

    _needs(target, "label", "pair_cross_entropy.v1")
    return ClassCrossEntropy(None, label_smoothing)


def _loss(loss: dict[str, Any] | None, target: PairTarget) -> nn.Module:
    return registry.losses.build(loss or DEFAULT_LOSS[target.kind], target)


@registry.models("siamese.v1", task_type=TASK)
def siamese(
    vocabs: dict[str, Vocab],
    target: PairTarget,
    n_features: int = 0,
    n_groups: int = 0,
    *,
    encoder: Literal["bilstm", "cnn"] = "bilstm",
    embed_dim: PositiveInt = 128,
    hidden: PositiveInt = 128,
    kernel_sizes: Annotated[Sequence[PositiveInt], Field(min_length=1)] = (2, 3, 4),
    dropout: Dropout = 0.2,
    use_context: bool = False,
    use_features: bool = True,
    group_dim: NonNegative = 0,
    loss: LossRef = None,
) -> SiameseScorer:
    """Siamese scorer: one encoder (``bilstm``, or ``cnn`` with ``kernel_sizes``) over the text,
    each reference and (``use_context``) the context, mean+max pooled; ``[u, v, |u − v|, u ∗ v]``
    with the overlap features (``use_features``) and a group embedding (``group_dim``, 0: off)
    → MLP. ``hidden``: LSTM size per direction or filters per width, and the MLP's."""
    from mtf_lib.models.siamese import SiameseScorer

    return SiameseScorer(
        n_tokens=len(vocabs["tokens"]),
        target=target,
        loss=_loss(loss, target),
        embed_dim=embed_dim,
        hidden=hidden,
        encoder=encoder,
        kernel_sizes=list(kernel_sizes),
        dropout=dropout,
        use_context=use_context,
        n_features=n_features if use_features else 0,
        n_groups=n_groups,
        group_dim=group_dim,
    )


@registry.models("esim.v1", task_type=TASK)
def esim(
    vocabs: dict[str, Vocab],
    target: PairTarget,
    n_features: int = 0,
    n_groups: int = 0,
    *,
    embed_dim: PositiveInt = 128,
    hidden: PositiveInt = 128,
    dropout: Dropout = 0.3,
    use_context: bool = False,
    use_features: bool = True,
    group_dim: NonNegative = 0,
    loss: LossRef = None,
) -> ESIMScorer:
    """ESIM: text and reference BiLSTM-encoded, soft-aligned to each other, the alignment
    composed by a second BiLSTM and pooled; fused like ``siamese.v1``'s (features, group,
    context) → MLP. ``hidden``: each LSTM direction's size and the MLP's."""
    from mtf_lib.models.esim import ESIMScorer

    return ESIMScorer(
        n_tokens=len(vocabs["tokens"]),
        target=target,
        loss=_loss(loss, target),
        embed_dim=embed_dim,
        hidden=hidden,
        dropout=dropout,
        use_context=use_context,
        n_features=n_features if use_features else 0,
        n_groups=n_groups,
        group_dim=group_dim,
    )


@registry.models("bert_cross_encoder.v1", task_type=TASK)
def bert_cross_encoder(
    vocabs: dict[str, Vocab],
    target: PairTarget,
    n_features: int = 0,
    n_groups: int = 0,
    *,
    encoder: registry.encoders.ref(),
    dropout: Dropout = 0.1,
    loss: LossRef = None,
) -> BertCrossEncoder:
    """A pretrained encoder (``encoder``: transformer.v1 and its settings) reading the pair as its
    tokenizer encodes one (``[CLS] text [SEP] reference [SEP]`` for BERT, segment ids where the
    model has them; the longer side cut first to fit) → its first token's vector (or the
    encoder's ``pooling``, where set) → dropout → linear, per reference."""
    from mtf_lib.models.bert_pair import BertCrossEncoder

    return BertCrossEncoder(registry.encoders.build(encoder), target=target, loss=_loss(loss, target), dropout=dropout)


@registry.models("bert_bi_encoder.v1", task_type=TASK)
def bert_bi_encoder(
    vocabs: dict[str, Vocab],
    target: PairTarget,
    n_features: int = 0,
    n_groups: int = 0,
    *,
    encoder: registry.encoders.ref(),
    head: Literal["cosine", "mlp"] = "cosine",
    hidden: PositiveInt = 256,
    dropout: Dropout = 0.1,
    use_features: bool = True,
    group_dim: NonNegative = 0,
    loss: LossRef = None,
) -> BertBiEncoder:
    """A pretrained encoder (``encoder``: transformer.v1 and its settings) over each text alone,
    pooled (``encoder.pooling``: a sentence model's own by default): the score is the two
    vectors' cosine (``head: cosine``, score targets only), or ``head: mlp``:
    ``[u, v, |u − v|, u ∗ v]`` fused like ``siamese.v1``'s (``hidden``, ``use_features``,
    ``group_dim``; mlp only) → MLP."""
    from mtf_lib.models.bert_pair import BertBiEncoder

    return BertBiEncoder(
        registry.encoders.build(encoder),
        target=target,
        loss=_loss(loss, target),
        head=head,
        dropout=dropout,
        hidden=hidden,
        n_features=n_features if use_features else 0,
        n_groups=n_groups,
        group_dim=group_dim,
    )
