"""Registered tagging models and their heads (the loss and decoder over the emissions).
Factories import torch lazily, so that params validation and ``mtf components`` stay fast; the
modules live beside this one."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import Field

from mtf_lib import registry
from mtf_lib.config import INIT_ONLY
from mtf_lib.data.vocab import Vocab
from mtf_lib.models.types import Dropout, PositiveInt

if TYPE_CHECKING:
    from mtf_lib.models.bert_tagger import BertTagger
    from mtf_lib.models.bilstm_tagger import BiLSTMTagger
    from mtf_lib.models.heads import CRFLoss, TokenCrossEntropy


@registry.losses("crf_nll.v1", task_type="tagging")
def crf_nll(num_tags: int) -> CRFLoss:
    """Linear-chain CRF negative log-likelihood; Viterbi decoding."""
    from mtf_lib.models.heads import CRFLoss

    return CRFLoss(num_tags)


@registry.losses("token_cross_entropy.v1", task_type="tagging")
def token_cross_entropy(
    num_tags: int, *, label_smoothing: Annotated[float, Field(ge=0, lt=1)] = 0.0
) -> TokenCrossEntropy:
    """Independent per-token softmax; greedy decoding."""
    from mtf_lib.models.heads import TokenCrossEntropy

    return TokenCrossEntropy(label_smoothing)


@registry.models("bilstm_crf.v1", task_type="tagging")
def bilstm_crf(
    vocabs: dict[str, Vocab],
    labels: Vocab,
    *,
    char_dim: PositiveInt = 100,
    bigram_dim: Annotated[int, Field(ge=0)] = 50,
    softword_dim: Annotated[int, Field(ge=0)] = 20,
    lexicon_dim: Annotated[int, Field(ge=0)] = 0,
    hidden: PositiveInt = 256,
    layers: PositiveInt = 1,
    dropout: Dropout = 0.5,
    unk_dropout: Annotated[float, Field(ge=0, lt=1)] = 0.0,
    head: registry.losses.ref(task_type="tagging") = "crf_nll.v1",
    char_vectors: Annotated[str | None, INIT_ONLY] = None,
    freeze_char_vectors: Annotated[bool, INIT_ONLY] = False,
) -> BiLSTMTagger:
    """BiLSTM-CRF for character tagging; a feature's ``*_dim: 0`` switches it off.

    ``head``: the loss and decoder over the emissions, a name or ``{name, <its settings>}``.
    ``char_vectors``: a word2vec text file (e.g. under resources/word_vectors/) of
    ``char_dim``-dimensional vectors initialising the char embeddings.
    """
    import torch

    from mtf_lib.models.bilstm_tagger import BiLSTMTagger

    model = BiLSTMTagger(
        n_chars=len(vocabs["chars"]),
        n_tags=len(labels),
        head=registry.losses.build(head, len(labels)),
        char_dim=char_dim,
        hidden=hidden,
        layers=layers,
        dropout=dropout,
        n_bigrams=len(vocabs["bigrams"]) if bigram_dim else 0,
        bigram_dim=bigram_dim,
        n_softwords=len(vocabs["softwords"]) if softword_dim else 0,
        softword_dim=softword_dim,
        n_lexicon=len(vocabs["lexicon"]) if lexicon_dim else 0,
        lexicon_dim=lexicon_dim,
        unk_dropout=unk_dropout,
    )
    if char_vectors:
        matrix, _ = registry.vectors.get("word2vec_text.v1")(char_vectors, vocabs["chars"], char_dim)
        model.char_embed.weight.data.copy_(torch.from_numpy(matrix))
        model.char_embed.weight.requires_grad_(not freeze_char_vectors)
    return model


@registry.models("bert_tagger.v1", task_type="tagging")
def bert_tagger(
    vocabs: dict[str, Vocab],
    labels: Vocab,
    *,
    encoder: registry.encoders.ref(),
    head: registry.losses.ref(task_type="tagging") = "crf_nll.v1",
    dropout: Dropout = 0.1,
    units: Literal["chars", "words"] = "chars",
) -> BertTagger:
    """A pretrained encoder (``encoder``: transformer.v1 and its settings) fine-tuned to tag text,
    one tag per character in the end. ``units: chars``: each character takes the vector of the
    first sub-token covering it in the model's own tokenization and the head (a CRF by default)
    runs over characters (Chinese NER); ``units: words``: each word (a run of letters and digits,
    or one punctuation mark) is tagged by its first sub-token, the head runs over words, and an
    entity's words give its characters (CoNLL-style English tokens joined with spaces)."""
    from mtf_lib.models.bert_tagger import BertTagger

    return BertTagger(
        registry.encoders.build(encoder),
        labels,
        head=registry.losses.build(head, len(labels)),
        dropout=dropout,
        units=units,
    )
