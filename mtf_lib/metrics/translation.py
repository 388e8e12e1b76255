"""Corpus BLEU and chrF with sacreBLEU (detokenized hypotheses against raw references), with the
signatures that say how they were computed, and each sentence's BLEU (for the worst translations)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from mtf_lib.metrics.scores import Scores

TOKENIZERS = ("13a", "zh", "intl", "char", "none")  # sacreBLEU's: 13a for English output, zh for Chinese


@dataclass(frozen=True)
class TranslationScores(Scores):
    signatures: dict[str, str] = field(default_factory=dict)  # sacreBLEU's, per score


def corpus_scores(references: Sequence[str], hypotheses: Sequence[str], tokenize: str = "13a") -> TranslationScores:
    """One reference per hypothesis."""
    from sacrebleu.metrics import BLEU, CHRF

    if len(references) != len(hypotheses):
        raise ValueError(f"{len(hypotheses)} hypotheses for {len(references)} references")
    bleu, chrf = BLEU(tokenize=tokenize), CHRF()
    refs = [list(references)]
    b, c = bleu.corpus_score(list(hypotheses), refs), chrf.corpus_score(list(hypotheses), refs)
    return TranslationScores(
        {"bleu": float(b.score), "chrf": float(c.score)},
        signatures={"bleu": str(bleu.get_signature()), "chrf": str(chrf.get_signature())},
    )


def sentence_bleu(references: Sequence[str], hypotheses: Sequence[str], tokenize: str = "13a") -> list[float]:
    """Smoothed sentence BLEU of each hypothesis against its reference."""
    from sacrebleu.metrics import BLEU

    bleu = BLEU(tokenize=tokenize, effective_order=True)
    return [float(bleu.sentence_score(h, [r]).score) for r, h in zip(references, hypotheses, strict=True)]
