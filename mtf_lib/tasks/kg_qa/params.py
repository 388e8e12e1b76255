"""The params.yaml schema of a kg_qa task: fetch or crawl → build (the graph) → evaluate (QA)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from mtf_lib import registry
from mtf_lib.config import Section
from mtf_lib.crawl.params import CrawlParams
from mtf_lib.graph.qa.rules import QAParams
from mtf_lib.graph.schema import GraphSchema
from mtf_lib.tasks.sections import FetchParams, TaskParams


class GraphParams(Section):
    backend: Literal["ladybug", "neo4j"] = Field("ladybug", description="ladybug: embedded, a folder; neo4j: a server")
    path: str = Field("data/graph", description="ladybug: the database's folder, relative to the task")
    uri: str | None = Field(None, description="neo4j: the server, e.g. bolt://127.0.0.1:7687")
    database: str | None = Field(None, description="neo4j: the database name; null: the server's default")
    user_env: str = Field("MTF_NEO4J_USER", description="neo4j: the environment variable holding the user")
    password_env: str = Field("MTF_NEO4J_PASSWORD", description="neo4j: the environment variable holding the password")
    graph_schema: GraphSchema = Field(alias="schema", description="node labels and relationship types")
    builders: list[registry.graph_builders.ref()] = Field(min_length=1, description="run in order (mtf components)")

    @model_validator(mode="after")
    def _neo4j_has_uri(self) -> GraphParams:
        if self.backend == "neo4j" and not self.uri:
            raise ValueError("graph.uri: backend neo4j needs the server's URI, e.g. bolt://127.0.0.1:7687")
        return self


class EvaluateParams(Section):
    test: str = Field(description="the hand-written test questions (JSON lines), relative to the task")
    dev: str | None = Field(None, description="dev questions (for tuning the rules), also scored")


class KgQaParams(Section):
    task: TaskParams
    fetch: FetchParams = FetchParams()
    crawl: CrawlParams | None = Field(None, description="the crawl stage's spider (when the task crawls)")
    graph: GraphParams
    qa: QAParams
    evaluate: EvaluateParams

    @model_validator(mode="after")
    def _labels_declared(self) -> KgQaParams:
        """Every label the QA names is one the schema declares: a typo would only link nothing."""
        nodes = self.graph.graph_schema.nodes
        problems = [(f"qa.labels[{n}]", label) for n, label in enumerate(self.qa.labels or []) if label not in nodes]
        for n, rule in enumerate(self.qa.rules):
            named = [("entity", rule.entity), ("answer_label", rule.answer_label)]
            named += [(f"unless[{k}]", label) for k, label in enumerate(rule.unless)]
            problems += [
                (f"qa.rules[{n}].{key} (rule {rule.intent!r})", label)
                for key, label in named
                if label is not None and label not in nodes
            ]
        if problems:
            wrong = "; ".join(f"{path}: {label!r} is not a label of graph.schema.nodes" for path, label in problems)
            raise ValueError(f"{wrong} (valid labels: {', '.join(nodes)})")
        return self
