"""Plots rendered as PNG files (matplotlib, no browser or CDN needed to view them).

Class names are drawn with an installed font that has all their glyphs (Chinese labels need a
CJK font); without one, a confusion matrix numbers its classes and says so in its title.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from pathlib import Path

from mtf_lib.io import atomic_write


def pyplot():  # noqa: ANN201 - matplotlib.pyplot, imported on first use
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def save_png(fig, path: Path) -> None:  # noqa: ANN001 - a matplotlib Figure
    """Write ``fig`` atomically as a PNG."""
    with atomic_write(path) as handle:
        fig.savefig(handle, format="png", dpi=110, bbox_inches="tight")


def bar_chart(values: Mapping[str, float], title: str, xlabel: str, path: Path) -> None:
    """Horizontal bars, one per key (e.g. F1 per entity type or class), in a font that has the
    keys' glyphs (Chinese class names); without one, the keys are numbered in their order."""
    plt = pyplot()
    names = list(values)
    family = font_for("".join(names))
    shown = names if family else [str(i) for i in range(len(names))]
    with plt.rc_context({"font.family": family or "DejaVu Sans"}):
        fig, ax = plt.subplots(figsize=(6, 0.45 * len(names) + 1.2))
        bars = ax.barh(shown, [values[n] for n in names], color="#4C72B0")
        ax.bar_label(bars, fmt="%.3f", padding=3)
        ax.set_xlim(0, 1.08)
        ax.invert_yaxis()
        ax.set_xlabel(xlabel)
        ax.set_title(title if family else f"{title} (numbered in eval_groups.json's order)")
        save_png(fig, path)
        plt.close(fig)


LIVE_SERIES = Path("plots") / "metrics"  # dvclive's per-step TSV files, under its folder


def read_live_series(live_dir: Path) -> dict[str, list[tuple[float, float]]]:
    """dvclive's per-step TSV files → ``{metric: [(step, value), ...]}``."""
    tsvs = sorted((live_dir / LIVE_SERIES).glob("*.tsv"))
    return {tsv.stem: live_points(tsv.read_text(encoding="utf-8"), tsv.stem) for tsv in tsvs}


def live_points(text: str, metric: str) -> list[tuple[float, float]]:
    """One dvclive TSV file's text (columns ``step`` and ``metric``) → ``[(step, value), ...]``."""
    return [(float(r["step"]), float(r[metric])) for r in csv.DictReader(io.StringIO(text), delimiter="\t")]


def training_curves(series: Mapping[str, list[tuple[float, float]]], path: Path) -> None:
    """One panel for the training loss, one for the dev metrics, per epoch."""
    plt = pyplot()
    fig, (loss_ax, dev_ax) = plt.subplots(1, 2, figsize=(10, 3.6))
    for name, points in series.items():
        ax = loss_ax if "loss" in name else dev_ax
        ax.plot([p[0] for p in points], [p[1] for p in points], marker=".", label=name)
    for ax, title in ((loss_ax, "training loss"), (dev_ax, "dev metrics")):
        ax.set_xlabel("epoch")
        ax.set_title(title)
        ax.grid(alpha=0.3)
        ax.legend()
    save_png(fig, path)
    plt.close(fig)


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

    plt = pyplot()
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
        save_png(fig, path)
        plt.close(fig)


def score_scatter(gold: Sequence[float], predicted: Sequence[float], path: Path, title: str) -> None:
    """Predicted against gold scores (numbers or their strings), one translucent dot per pair so
    that integer gold scores show where predictions pile up, with the line where they agree."""
    import numpy as np

    plt = pyplot()
    y = np.asarray([float(g) for g in gold], dtype=np.float64)
    p = np.asarray([float(v) for v in predicted], dtype=np.float64)
    fig, ax = plt.subplots(figsize=(4.8, 4.6))
    ax.scatter(y, p, s=10, alpha=0.35, color="#4C72B0", edgecolors="none")
    if len(y):
        low, high = float(min(y.min(), p.min())), float(max(y.max(), p.max()))
        ax.plot([low, high], [low, high], color="#C44E52", linewidth=1, label="predicted = gold")
        ax.legend(loc="upper left", fontsize=8)
    ax.set_xlabel("gold score")
    ax.set_ylabel("predicted score")
    ax.set_title(f"{title} (n={len(y)})", fontsize=10)
    ax.grid(alpha=0.3)
    save_png(fig, path)
    plt.close(fig)
