"""Plots rendered as PNG files (matplotlib, no browser or CDN needed to view them)."""

from __future__ import annotations

import csv
from collections.abc import Mapping
from pathlib import Path

from mtf_lib.io import atomic_write


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _save(fig, path: Path) -> None:  # noqa: ANN001
    with atomic_write(path) as handle:
        fig.savefig(handle, format="png", dpi=110, bbox_inches="tight")


def bar_chart(values: Mapping[str, float], title: str, xlabel: str, path: Path) -> None:
    """Horizontal bars, one per key (e.g. F1 per entity type)."""
    plt = _pyplot()
    names = list(values)
    fig, ax = plt.subplots(figsize=(6, 0.45 * len(names) + 1.2))
    bars = ax.barh(names, [values[n] for n in names], color="#4C72B0")
    ax.bar_label(bars, fmt="%.3f", padding=3)
    ax.set_xlim(0, 1.08)
    ax.invert_yaxis()
    ax.set_xlabel(xlabel)
    ax.set_title(title)
    _save(fig, path)
    plt.close(fig)


def read_live_series(live_dir: Path) -> dict[str, list[tuple[float, float]]]:
    """dvclive's per-step TSV files → ``{metric: [(step, value), ...]}``."""
    series = {}
    for tsv in sorted((live_dir / "plots" / "metrics").glob("*.tsv")):
        with tsv.open(encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle, delimiter="\t"))
        series[tsv.stem] = [(float(r["step"]), float(r[tsv.stem])) for r in rows]
    return series


def training_curves(series: Mapping[str, list[tuple[float, float]]], path: Path) -> None:
    """One panel for the training loss, one for the dev metrics, per epoch."""
    plt = _pyplot()
    fig, (loss_ax, dev_ax) = plt.subplots(1, 2, figsize=(10, 3.6))
    for name, points in series.items():
        ax = loss_ax if "loss" in name else dev_ax
        ax.plot([p[0] for p in points], [p[1] for p in points], marker=".", label=name)
    for ax, title in ((loss_ax, "training loss"), (dev_ax, "dev metrics")):
        ax.set_xlabel("epoch")
        ax.set_title(title)
        ax.grid(alpha=0.3)
        ax.legend()
    _save(fig, path)
    plt.close(fig)
