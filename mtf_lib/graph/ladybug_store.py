"""The embedded backend: a ladybug database (Cypher, a maintained Kùzu fork) in one file under a
folder of the task (``graph.path``); nothing to install or start. Serving opens it read-only."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from mtf_lib.graph.schema import GraphSchema
from mtf_lib.graph.store import GraphStore, GraphUnavailable

DATABASE_FILE = "graph.lbug"


class LadybugStore(GraphStore):
    def __init__(self, database_file: Path, *, read_only: bool) -> None:
        import ladybug

        try:
            self._database = ladybug.Database(str(database_file), read_only=read_only)
        except RuntimeError as error:
            raise GraphUnavailable(f"cannot open the graph database {database_file}: {error}") from None
        self._connection = ladybug.Connection(self._database)
        self._lock = threading.Lock()  # one connection, shared by the web app's threads
        self.read_only = read_only

    @classmethod
    def open(cls, settings: Any, folder: Path, *, read_only: bool = True, create: bool = False) -> LadybugStore:
        database_file = folder / settings.path / DATABASE_FILE
        if not create and not database_file.is_file():
            raise GraphUnavailable(f"no graph at {database_file}: build it first (dvc repro, or the build stage)")
        database_file.parent.mkdir(parents=True, exist_ok=True)
        return cls(database_file, read_only=read_only and not create)

    def create_schema(self, schema: GraphSchema) -> None:
        for label, node in schema.nodes.items():
            columns = [f"{node.key} STRING PRIMARY KEY"] + [f"{p} {t}" for p, t in node.properties.items()]
            self.write(f"CREATE NODE TABLE IF NOT EXISTS {label}({', '.join(columns)})")
        for name, rel in schema.relationships.items():
            columns = [f"FROM {rel.source} TO {rel.target}"] + [f"{p} {t}" for p, t in rel.properties.items()]
            self.write(f"CREATE REL TABLE IF NOT EXISTS {name}({', '.join(columns)})")

    def _execute(self, cypher: str, parameters: Mapping[str, Any] | None) -> Any:
        with self._lock:
            try:
                return self._connection.execute(cypher, dict(parameters or {}))
            except RuntimeError as error:
                if "read-only" in str(error):
                    raise PermissionError("the graph is open read-only: this statement would change it") from None
                raise

    def write(self, cypher: str, parameters: Mapping[str, Any] | None = None) -> None:
        self._execute(cypher, parameters)

    def read(self, cypher: str, parameters: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        with self._lock:
            try:
                result = self._connection.execute(cypher, dict(parameters or {}))
            except RuntimeError as error:
                if "read-only" in str(error):
                    raise PermissionError("the graph is open read-only: this statement would change it") from None
                raise
            columns = result.get_column_names()
            return [dict(zip(columns, row, strict=True)) for row in result.get_all()]

    def run_script(self, statements: list[str]) -> None:
        for statement in statements:
            self.write(statement)

    def close(self) -> None:
        self._connection.close()
        self._database.close()
