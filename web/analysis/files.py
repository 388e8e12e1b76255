"""What the evaluate stage left for a task: its error analysis and its model card."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mtf_lib.layout import StagePaths
from web.catalog import Task

METRICS = StagePaths.metrics


@dataclass(frozen=True)
class Analysis:
    """A task's errors.json (``data`` None when absent) and whether its type has an analysis at all."""

    data: dict[str, Any] | None
    supported: bool
    command: str

    def splits(self) -> list[str]:
        return list((self.data or {}).get("splits", {}))

    def split(self, wanted: str | None) -> tuple[str | None, dict[str, Any] | None]:
        """The split asked for (else dev, else the first written) and its analysis; None when absent."""
        splits = (self.data or {}).get("splits", {})
        name = wanted or ("dev" if "dev" in splits else next(iter(splits), None))
        return name, splits.get(name) if name else None

    def unavailable(self) -> str | None:
        """Why there is nothing to show, or None."""
        if not self.supported:
            return "this task type has no error analysis (its TaskType has no errors part)"
        if self.data is None:
            return f"no error analysis yet: run `{self.command}` (its evaluate stage writes metrics/errors.json)"
        return None


def read_analysis(task: Task) -> Analysis:
    """The task's analysis; raises ModelUnavailable when the task's code or type cannot be loaded."""
    from mtf_lib import registry
    from mtf_lib.tasks.error_analysis import read_error_analysis

    task.api()  # imports the task's own code, which may register its type (ModelUnavailable if broken)
    supported = registry.task_types.get(task.task_type).errors is not None
    return Analysis(read_error_analysis(task.directory / METRICS), supported, task.train_command)


def read_card(task: Task) -> str | None:
    from mtf_lib.tasks.model_card import METRICS_CARD

    try:
        return (task.directory / METRICS / METRICS_CARD).read_text(encoding="utf-8")
    except OSError:
        return None
