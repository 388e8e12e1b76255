"""What a task type declares of each stage: the paths and params it reads, what it writes.

Paths are relative to the task folder (``StagePaths`` names the usual ones); a dep may be a DVC
interpolation (``${preprocess.train}``). A string may carry a note after ``  # ``: it becomes the
comment beside the line in dvc.yaml.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from mtf_lib.layout import StagePaths

PATHS = StagePaths()
Kind = Literal["outs", "metrics", "plots"]


@dataclass(frozen=True)
class Output:
    """One thing a stage writes. ``persist``: DVC leaves it in place while the stage runs (resume,
    and a failed run keeps the last good one); ``cache: false``: not in DVC's cache (kept in git,
    or made again on each machine)."""

    path: str
    kind: Kind = "outs"
    cache: bool = True
    persist: bool = False
    x: str | None = None  # plots: the x axis
    note: str | None = None

    def options(self) -> dict[str, Any]:
        options: dict[str, Any] = {}
        if self.x:
            options["x"] = self.x
        if not self.cache:
            options["cache"] = False
        if self.persist:
            options["persist"] = True
        return options


def kept(path: Any, kind: Kind = "outs", note: str | None = None, x: str | None = None) -> Output:
    """A small file kept in git and left in place while its stage runs (scores, cards, curves)."""
    return Output(str(path), kind, cache=False, persist=True, note=note, x=x)


@dataclass(frozen=True)
class StageDecl:
    """One stage of a task's pipeline. ``name`` is also the task type's stage function's name."""

    name: str
    deps: tuple[str, ...] = ()
    params: tuple[str, ...] = ()
    outs: tuple[Output, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        object.__setattr__(self, "deps", tuple(dict.fromkeys(str(d) for d in self.deps)))
        object.__setattr__(self, "params", tuple(dict.fromkeys(self.params)))


def split_note(text: str) -> tuple[str, str | None]:
    """``"evaluate.metric  # picks the epoch"`` → ("evaluate.metric", "picks the epoch")."""
    value, marker, note = text.partition("  # ")
    return value.strip(), (note.strip() if marker else None)


def value_of(params: Any, dotted: str) -> Any:
    """A params value by its dotted key; None where a group on the way is absent."""
    node = params
    for key in dotted.split("."):
        node = node.get(key) if isinstance(node, Mapping) else getattr(node, key, None)
        if node is None:
            return None
    return node


def interpolated(params: Any, keys: Iterable[str]) -> list[str]:
    """``${key}`` for each key that is set (DVC cannot interpolate a null)."""
    return [f"${{{key}}}" for key in keys if value_of(params, key) is not None]
