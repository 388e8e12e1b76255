"""What a pair-scoring model predicts, known before torch is imported (params, readers, factories)."""

from __future__ import annotations

from dataclasses import dataclass

KINDS = ("score", "label")


@dataclass(frozen=True)
class PairTarget:
    """``kind``: ``score`` (a real score, mapped to [0, 1] for training) or ``label`` (one of
    ``labels``, in id order)."""

    kind: str
    labels: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"pair target kind {self.kind!r} is not one of {', '.join(KINDS)}")
        if self.kind == "label" and len(self.labels) < 2:
            raise ValueError(f"a label target needs at least 2 labels, got {list(self.labels)}")
        if self.kind == "score" and self.labels:
            raise ValueError("a score target has no labels")

    @property
    def outputs(self) -> int:
        """Outputs per (text, reference) pair: one score, or one logit per label."""
        return 1 if self.kind == "score" else len(self.labels)
