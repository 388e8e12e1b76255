"""The confusion-matrix plot of a classifier (PNG; no browser needed to view it).

Class names are drawn with an installed font that has all their glyphs (Chinese labels need a
CJK font); without one, the axes show class numbers and the title says which order they follow.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from mtf_lib.plots import _pyplot, _save


def font_for(text: str) -> str | None:
    """The family of an installed font with a glyph for every character of ``text`` (DejaVu Sans first)."""
    from matplotlib import font_manager

    needed = {ord(c) for c in text}
    fonts = sorted(font_manager.fontManager.ttflist, key=lambda f: (f.name != "DejaVu Sans", f.name))
    for font in fonts:
        if font.name.startswith("Last Resort"):
            continue  # maps every code point to a placeholder box: no real glyphs
        try:
            if needed <= font_manager.get_font(font.fname).get_charmap().keys():
                return font.name
        except (OSError, RuntimeError):  # an unreadable font file
            continue
    return None


def confusion_matrix(gold: Sequence[str], predicted: Sequence[str], labels: Sequence[str], path: Path) -> None:
    """Counts of (gold row, predicted column) over ``labels``, each row shaded by its share.

    Draws nothing but the axes for an empty ``labels``; callers pass the labels they report.
    """
    from sklearn.metrics import confusion_matrix as counts_of

    plt = _pyplot()
    counts = counts_of(gold, predicted, labels=list(labels))
    shares = counts / counts.sum(axis=1, keepdims=True).clip(min=1)
    family = font_for("".join(labels))
    names = list(labels) if family else [str(i) for i in range(len(labels))]
    title = "test confusion matrix" + ("" if family else " (classes numbered in eval.json's test_per_class order)")
    size = 1.6 + 0.55 * len(labels)
    with plt.rc_context({"font.family": family or "DejaVu Sans"}):
        fig, ax = plt.subplots(figsize=(size + 1.2, size))
        image = ax.imshow(shares, cmap="Blues", vmin=0, vmax=1)
        for row in range(len(labels)):
            for col in range(len(labels)):
                color = "white" if shares[row, col] > 0.5 else "black"
                ax.text(col, row, str(counts[row, col]), ha="center", va="center", color=color, fontsize=8)
        ax.set_xticks(range(len(labels)), names, rotation=45, ha="right")
        ax.set_yticks(range(len(labels)), names)
        ax.set_xlabel("predicted")
        ax.set_ylabel("gold")
        ax.set_title(title, fontsize=9)
        fig.colorbar(image, ax=ax, fraction=0.046, pad=0.04, label="share of the gold class")
        _save(fig, path)
        plt.close(fig)
