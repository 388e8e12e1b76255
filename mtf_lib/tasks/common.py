"""What every task type shares: split names, preprocessed records, the run hash."""

from __future__ import annotations

import copy
import itertools
import json
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from mtf_lib.errors import InputError
from mtf_lib.training.checkpoint import params_hash

SPLITS = ("train", "dev", "test")


def require_file(path: Path, key: str) -> None:
    """InputError unless ``path`` is a file: the params key ``key`` names it."""
    if not Path(path).is_file():
        raise InputError(f"{path} not found: run the fetch stage, or set {key} to your own file")


def read_preprocessed(path: Path) -> list[dict]:
    """The records a preprocess stage wrote: one JSON object per line."""
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def preprocessed_chunks(path: Path, size: int) -> Iterator[list[dict]]:
    """The records of ``path`` in lists of at most ``size``: a split read with flat memory."""
    with path.open(encoding="utf-8") as handle:
        while chunk := [json.loads(line) for line in itertools.islice(handle, size)]:
            yield chunk


def task_dir(params: Any) -> Path:
    """The task's folder (where its params.yaml lies; ``task.code`` is relative to it)."""
    return params.task.folder


def model_components(params: Any) -> list[Any]:
    """The registered factories that ``params`` names (models, their heads, tokenizers, ...):
    a bundle records the modules outside mtf_lib they come from."""
    from mtf_lib import registry

    found: list[Any] = []

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)
        elif isinstance(value, str):
            found.extend(reg._entries[value] for reg in registry.ALL.values() if value in reg._entries)

    walk(params.model_dump(mode="json"))
    return [f for f in found if callable(f)]


def run_hash(params: Any) -> str:
    """What shapes the trained weights; a checkpoint made with other values is not resumed.
    Every setting counts, defaults filled in (a new section or setting counts without being
    listed), but those the schema marks (``sections.NOT_SHAPING``, ``SHAPING_WHEN_SET``)."""
    return shaping_hash(params.model_dump(mode="json"), type(params))


def shaping_hash(dumped: dict[str, Any], schema: type) -> str:
    """The run hash of ``dumped`` params of the ``schema`` (a pydantic model class)."""
    dumped = copy.deepcopy(dumped)
    for dotted, (rule, default) in marked_settings(schema).items():
        _drop(dumped, dotted, (lambda value: True) if rule == "never" else (lambda value, d=default: value == d))
    return params_hash(dumped)


def marked_settings(schema: type, prefix: str = "") -> dict[str, tuple[str, Any]]:
    """``{dotted key: (rule, default)}`` of every field the schema marks for the run hash."""
    from pydantic import BaseModel

    found: dict[str, tuple[str, Any]] = {}
    for name, field in schema.model_fields.items():
        extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
        if "run_hash" in extra:
            found[prefix + name] = (extra["run_hash"], field.default)
        for inner in _model_classes(field.annotation, BaseModel):
            found.update(marked_settings(inner, f"{prefix}{name}."))
    return found


def _model_classes(annotation: Any, base: type) -> list[type]:
    if isinstance(annotation, type) and issubclass(annotation, base):
        return [annotation]
    return [cls for arg in typing.get_args(annotation) for cls in _model_classes(arg, base)]


def _drop(tree: dict[str, Any], dotted: str, when: Any) -> None:
    *parents, leaf = dotted.split(".")
    for key in parents:
        tree = tree.get(key) or {}
    if leaf in tree and when(tree[leaf]):
        del tree[leaf]
