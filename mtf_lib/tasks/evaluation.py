"""The evaluate stage's output, one layout for every task type.

- ``metrics/eval.json``: ``{"test": {<headline scores>}, "examples": N}`` (a DVC metric: what
  ``dvc metrics show`` and ``dvc exp show`` list);
- ``metrics/eval_groups.json``: the same scores per entity type or class, each with its support
  (not a DVC metric, so experiment tables stay narrow; the web app and users read it);
- ``metrics/plots/``: PNG plots that need no browser: scores per group, training curves.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mtf_lib import plots
from mtf_lib.io import write_json
from mtf_lib.metrics.scores import Scores

EVAL_FILE = "eval.json"
GROUPS_FILE = "eval_groups.json"


def _rounded(values: dict[str, Any]) -> dict[str, Any]:
    return {k: round(v, 6) if isinstance(v, float) else v for k, v in values.items()}


def write_evaluation(
    metrics_dir: Path, live_dir: Path, scores: Scores, examples: int, group: str, extra: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Write the files above for test ``scores`` over ``examples``; ``group`` names what a group is
    ("entity type", "class"); ``extra``: more of eval.json (how the scores were computed).
    Returns eval.json's content."""
    summary = {"test": _rounded(scores.overall), "examples": examples, **(extra or {})}
    write_json(metrics_dir / EVAL_FILE, summary)
    write_json(
        metrics_dir / GROUPS_FILE, {"group": group, "groups": {g: _rounded(s) for g, s in scores.groups.items()}}
    )
    f1 = {g: s["f1"] for g, s in scores.groups.items() if "f1" in s}
    chart = metrics_dir / "plots" / "per_group_f1.png"
    if f1:
        plots.bar_chart(f1, f"test F1 per {group}", "F1", chart)
    else:
        chart.unlink(missing_ok=True)  # an earlier run's chart would pass for this one's
    series = plots.read_live_series(live_dir)
    if series:
        plots.training_curves(series, metrics_dir / "plots" / "training_curves.png")
    return summary
