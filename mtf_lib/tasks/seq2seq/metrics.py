"""Registered translation metrics::

metric = registry.metrics.get("translation.v1")(tokenize="13a")
scores = metric(references, hypotheses)  # .overall {"bleu", "chrf"}; .signatures (sacreBLEU's)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from mtf_lib import registry
from mtf_lib.metrics.scores import Metric, Scores


@registry.metrics("translation.v1", task_type="seq2seq", scores=("bleu", "chrf"))
def translation(*, tokenize: Literal["13a", "zh", "intl", "char", "none"] = "13a") -> Metric:
    """sacreBLEU's corpus BLEU (``tokenize``: 13a for English output, zh for Chinese) and chrF of
    detokenized hypotheses against raw references."""
    from mtf_lib.metrics.translation import corpus_scores

    def score(references: Sequence[str], hypotheses: Sequence[str], groups: Sequence[str] | None = None) -> Scores:
        return corpus_scores(references, hypotheses, tokenize)

    return score
