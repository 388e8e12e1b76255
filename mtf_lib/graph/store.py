"""The graph-store interface every backend implements, and ``open_store``.

Statements take their values as parameters only (``$rows``, ``$name``): labels and property
names come from the validated schema (plain identifiers), never from data or questions.
"""

from __future__ import annotations

import importlib
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from mtf_lib.errors import InputError, ServiceError
from mtf_lib.graph.schema import GraphSchema

BACKENDS: Mapping[str, str] = {
    "ladybug": "mtf_lib.graph.ladybug_store:LadybugStore",
    "neo4j": "mtf_lib.graph.neo4j_store:Neo4jStore",
}


class GraphUnavailable(ServiceError):
    """The graph database cannot be reached or refuses us (down, bad credentials, not built)."""


class GraphStore(ABC):
    """A connection to one graph. ``read`` runs in a read-only transaction (what serving uses)."""

    runs_neo4j_ddl = False  # whether Neo4j's CREATE CONSTRAINT/INDEX statements mean something here

    @abstractmethod
    def create_schema(self, schema: GraphSchema) -> None: ...

    @abstractmethod
    def write(self, cypher: str, parameters: Mapping[str, Any] | None = None) -> None: ...

    @abstractmethod
    def read(self, cypher: str, parameters: Mapping[str, Any] | None = None) -> list[dict[str, Any]]: ...

    @abstractmethod
    def run_script(self, statements: list[str]) -> None:
        """Run a trusted Cypher script's statements (a data set's own load script)."""

    @abstractmethod
    def close(self) -> None: ...

    def __enter__(self) -> GraphStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def merge_nodes(self, label: str, key: str, rows: Iterable[Mapping[str, Any]], batch_size: int = 1000) -> int:
        """MERGE nodes by ``key`` and SET their other properties, ``batch_size`` rows per statement."""
        count = 0
        for batch in batches(rows, batch_size):
            props = sorted({k for row in batch for k in row if k != key})
            sets = "".join(f", n.{p} = row.{p}" for p in props)
            cypher = f"UNWIND $rows AS row MERGE (n:{label} {{{key}: row.{key}}})" + (
                f" SET {sets[2:]}" if sets else ""
            )
            self.write(cypher, {"rows": [{p: row.get(p) for p in (key, *props)} for row in batch]})
            count += len(batch)
        return count

    def merge_relationships(
        self,
        rel_type: str,
        source: tuple[str, str],
        target: tuple[str, str],
        rows: Iterable[Mapping[str, Any]],
        batch_size: int = 1000,
    ) -> int:
        """MERGE relationships between existing nodes; a row is ``{"source": key, "target": key, ...props}``."""
        (source_label, source_key), (target_label, target_key) = source, target
        count = 0
        for batch in batches(rows, batch_size):
            props = sorted({k for row in batch for k in row if k not in ("source", "target")})
            sets = ", ".join(f"r.{p} = row.{p}" for p in props)
            cypher = (
                f"UNWIND $rows AS row MATCH (a:{source_label} {{{source_key}: row.source}}), "
                f"(b:{target_label} {{{target_key}: row.target}}) MERGE (a)-[r:{rel_type}]->(b)"
                + (f" SET {sets}" if sets else "")
            )
            self.write(cypher, {"rows": [dict(row) for row in batch]})
            count += len(batch)
        return count

    def counts(self) -> dict[str, int]:
        nodes = self.read("MATCH (n) RETURN count(n) AS n")[0]["n"]
        relationships = self.read("MATCH ()-[r]->() RETURN count(r) AS n")[0]["n"]
        return {"nodes": int(nodes), "relationships": int(relationships)}


def batches(rows: Iterable[Mapping[str, Any]], size: int) -> Iterator[list[Mapping[str, Any]]]:
    batch: list[Mapping[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def open_store(settings: Any, folder: Path, *, read_only: bool = True, create: bool = False) -> GraphStore:
    """The store ``settings`` (a ``GraphParams``-like section: ``backend``, ``path``, ``uri``, ...)
    names; ladybug paths are relative to ``folder``. GraphUnavailable when it cannot be opened."""
    if settings.backend not in BACKENDS:
        raise InputError(f"unknown graph backend {settings.backend!r}; known: {', '.join(BACKENDS)}")
    module, _, name = BACKENDS[settings.backend].partition(":")
    store_class = getattr(importlib.import_module(module), name)
    return store_class.open(settings, Path(folder), read_only=read_only, create=create)
