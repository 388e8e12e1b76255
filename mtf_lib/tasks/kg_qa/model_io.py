"""The kg_qa bundle: bundle.json alone — where the graph is (a ladybug folder, relative to the
bundle, or a Neo4j URI; never credentials), its schema and counts, the QA rules and deny words.
The graph's counts and sources' checksums change with every rebuild, so a server sees a new bundle."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from mtf_lib.assets import sha256_of
from mtf_lib.inference.bundle import write_bundle
from mtf_lib.plugins import code_record
from mtf_lib.tasks.common import model_components

GRAPH_SETTINGS = ("backend", "uri", "database", "user_env", "password_env")


def save_bundle(directory: Path, params: Any, folder: Path, counts: dict[str, int]) -> Path:
    graph = params.graph
    location = {k: getattr(graph, k) for k in GRAPH_SETTINGS}
    # Relative to the bundle, so the task folder can move (a clone, a DVC checkout elsewhere).
    location["path"] = os.path.relpath(folder / graph.path, directory)
    deny = params.qa.deny_words
    meta = {
        "task_type": params.task.type,
        "task": params.task.name,
        "code": code_record(folder, params.task.code, directory, model_components(params)),
        "graph": location,
        "schema": graph.graph_schema.model_dump(),
        "counts": counts,
        "sources": _checksums(folder, graph.builders),
        "qa": params.qa.model_dump(),
        "deny_words": _lines(folder / deny) if deny else [],
    }
    return write_bundle(directory, meta, lambda tmp: None)


def _lines(path: Path) -> list[str]:
    from mtf_lib.graph.builders import read_names

    return read_names(path)


def _checksums(folder: Path, builders: list[dict[str, Any]]) -> dict[str, str]:
    """SHA-256 of every file a builder read (its settings' values that name files of the task)."""
    files: dict[str, str] = {}
    for section in builders:
        values = [v for v in section.values() if isinstance(v, str)]
        values += [v for d in section.values() if isinstance(d, dict) for v in d.values() if isinstance(v, str)]
        for value in values:
            path = folder / value
            if value and path.is_file():
                files[value] = sha256_of(path)
    return dict(sorted(files.items()))
