"""The Neo4j backend, through the official ``neo4j`` driver. The URI comes from params; the user
and password only from environment variables (``graph.user_env``, ``graph.password_env``), so they
are never written to params, logs or bundles. Reads run in read transactions."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from mtf_lib.graph.schema import GraphSchema
from mtf_lib.graph.store import GraphStore, GraphUnavailable


class Neo4jStore(GraphStore):
    runs_neo4j_ddl = True

    def __init__(self, uri: str, auth: tuple[str, str] | None, database: str | None, *, read_only: bool) -> None:
        import neo4j
        from neo4j.exceptions import AuthError, ServiceUnavailable

        self._driver = neo4j.GraphDatabase.driver(uri, auth=auth, connection_timeout=5.0)
        self._database = database
        self.read_only = read_only
        try:
            self._driver.verify_connectivity()
        except AuthError:
            self._driver.close()
            raise GraphUnavailable(
                f"Neo4j at {uri} refused the credentials: check the user and password environment variables"
            ) from None
        except (ServiceUnavailable, OSError) as error:
            self._driver.close()
            raise GraphUnavailable(
                f"Neo4j at {uri} cannot be reached ({type(error).__name__}): is it running?"
            ) from None

    @classmethod
    def open(cls, settings: Any, folder: Path, *, read_only: bool = True, create: bool = False) -> Neo4jStore:
        if not settings.uri:
            raise GraphUnavailable("graph.backend is neo4j but graph.uri is not set (e.g. bolt://127.0.0.1:7687)")
        user, password = os.environ.get(settings.user_env), os.environ.get(settings.password_env)
        auth = (user, password) if user and password else None
        return cls(settings.uri, auth, settings.database, read_only=read_only and not create)

    def _session(self) -> Any:
        import neo4j

        mode = neo4j.READ_ACCESS if self.read_only else neo4j.WRITE_ACCESS
        return self._driver.session(database=self._database, default_access_mode=mode)

    def create_schema(self, schema: GraphSchema) -> None:
        for label, node in schema.nodes.items():
            self.write(f"CREATE CONSTRAINT IF NOT EXISTS FOR (n:{label}) REQUIRE n.{node.key} IS UNIQUE")

    def clear(self, schema: GraphSchema) -> None:
        """Delete the nodes of the schema's labels (and their relationships), in batches."""
        for label in schema.nodes:
            self.write(f"MATCH (n:{label}) CALL (n) {{ DETACH DELETE n }} IN TRANSACTIONS OF 10000 ROWS")

    def write(self, cypher: str, parameters: Mapping[str, Any] | None = None) -> None:
        if self.read_only:
            raise PermissionError("the graph is open read-only: this statement would change it")
        with self._session() as session:
            if "IN TRANSACTIONS" in cypher:  # batched deletes need an auto-commit transaction
                session.run(cypher, dict(parameters or {})).consume()
            else:
                session.execute_write(lambda tx: tx.run(cypher, dict(parameters or {})).consume())

    def read(self, cypher: str, parameters: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        from neo4j.exceptions import ServiceUnavailable

        try:
            with self._session() as session:
                return session.execute_read(lambda tx: tx.run(cypher, dict(parameters or {})).data())
        except ServiceUnavailable as error:
            raise GraphUnavailable(f"Neo4j went away ({error})") from None

    def run_script(self, statements: list[str]) -> None:
        for statement in statements:
            self.write(statement)

    def close(self) -> None:
        self._driver.close()
