"""A graph schema declared in params.yaml: node labels with their key and typed properties, and
relationship types with their end labels. Labels, types and property names end up in Cypher text
(they cannot be parameters), so they are checked to be plain identifiers here; values never are."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, model_validator

from mtf_lib.config import Section

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

PropertyType = Literal["STRING", "INT64", "DOUBLE", "BOOLEAN", "STRING[]", "INT64[]"]


def _identifier(name: str) -> str:
    if not _IDENTIFIER.fullmatch(name):
        raise ValueError(f"{name!r} is not a plain identifier (letters, digits, _; not starting with a digit)")
    return name


Identifier = Annotated[str, AfterValidator(_identifier)]


def _identifier_keys(mapping: dict[str, object]) -> dict[str, object]:
    for name in mapping:
        _identifier(name)
    return mapping


class NodeType(Section):
    key: Identifier = Field("name", description="the property that identifies a node (unique, a STRING)")
    properties: Annotated[dict[str, PropertyType], AfterValidator(_identifier_keys)] = Field(
        default_factory=dict, description="other properties and their types"
    )


class RelationshipType(Section):
    source: Identifier = Field(description="label of the start node")
    target: Identifier = Field(description="label of the end node")
    properties: Annotated[dict[str, PropertyType], AfterValidator(_identifier_keys)] = Field(default_factory=dict)


class GraphSchema(Section):
    nodes: Annotated[dict[str, NodeType], AfterValidator(_identifier_keys)] = Field(min_length=1)
    relationships: Annotated[dict[str, RelationshipType], AfterValidator(_identifier_keys)] = Field(
        default_factory=dict
    )

    @model_validator(mode="after")
    def _ends_declared(self) -> GraphSchema:
        for name, rel in self.relationships.items():
            for end in (rel.source, rel.target):
                if end not in self.nodes:
                    raise ValueError(f"relationship {name!r} names label {end!r}, which nodes does not declare")
        return self
