"""The params of question answering: the intent rule table and the answer messages."""

from __future__ import annotations

import re
import string
from typing import Annotated

from pydantic import Field, ValidationInfo, field_validator

from mtf_lib.config import Section
from mtf_lib.graph.schema import Identifier

# Clauses that change a graph. Serving opens the graph read-only, but the build runs every rule
# once on a writable graph (a check), so a writing rule is refused before anything runs.
_WRITES = re.compile(r"(?<![.\w`$])(CREATE|MERGE|SET|DELETE|REMOVE|DROP|ALTER|COPY|LOAD|INSTALL|IMPORT)\b", re.I)
# String literals, quoted names and comments: their words are no clauses.
_NOT_CODE = re.compile(r"'(?:\\.|[^'\\])*'|\"(?:\\.|[^\"\\])*\"|`[^`]*`|//[^\n]*|/\*.*?\*/", re.S)


def format_fields(template: str, allowed: tuple[str, ...]) -> str:
    """``template`` if it is a ``str.format`` template using only ``allowed`` fields (else a
    KeyError or ValueError when an answer is worded, at serving time)."""
    try:
        used = {field for _, field, _, _ in string.Formatter().parse(template) if field is not None}
    except ValueError as error:
        raise ValueError(f"{template!r} is not a valid template ({error}); a literal brace: {{{{ or }}}}") from None
    unknown = sorted(used - set(allowed))
    if unknown:
        known = ", ".join("{" + a + "}" for a in allowed)
        shown = ", ".join("{" + u + "}" for u in unknown)
        raise ValueError(f"{template!r} uses {shown}: only {known} are filled in (a literal brace: {{{{ or }}}})")
    return template


def _intent(info: ValidationInfo) -> str:
    return f"rule {info.data.get('intent')!r}: " if info.data.get("intent") else ""


class IntentRule(Section):
    """An intent fires for each entity of label ``entity`` in a question that holds one of its
    ``keywords`` (none: the entity alone is enough), meets ``negated`` and names no entity of an
    ``unless`` label; a ``fallback`` rule fires only when no other rule did, for any entity of the
    question. ``cypher`` receives the entity's name as ``$name`` and
    returns an ``answer`` column; ``answer`` words it: ``{subject}`` and ``{answers}``."""

    intent: str = Field(min_length=1)
    entity: Identifier = Field(description="the label of the entity the question must name")
    keywords: list[Annotated[str, Field(min_length=1)]] = Field(default_factory=list)
    negated: bool | None = Field(None, description="true: a deny word must appear; false: none may; null: either")
    fallback: bool = False
    unless: list[Identifier] = Field(
        default_factory=list, description="labels that, named in the question, stop this rule (a reverse question)"
    )
    cypher: str = Field(min_length=1, description="read-only Cypher with $name; RETURN ... AS answer")
    relation: str = Field(min_length=1, description="what the answer is to the entity (the drawn edge's label)")
    answer_label: str | None = Field(None, description="the answers' node label (drawn); null: a text property")
    answer: str = Field("{subject}: {answers}", description="the sentence; {subject} and {answers} are filled in")

    @field_validator("cypher")
    @classmethod
    def _reads_only(cls, cypher: str, info: ValidationInfo) -> str:
        found = _WRITES.search(_NOT_CODE.sub(" ", cypher))
        if found:
            raise ValueError(
                f"{_intent(info)}{found.group(1).upper()} changes the graph; a rule may only read "
                "(MATCH ... RETURN ... AS answer)"
            )
        return cypher

    @field_validator("answer")
    @classmethod
    def _answer_fields(cls, answer: str, info: ValidationInfo) -> str:
        try:
            return format_fields(answer, ("subject", "answers"))
        except ValueError as error:
            raise ValueError(f"{_intent(info)}{error}") from None


class Messages(Section):
    no_entity: str = "Sorry, I don't know: I found nothing in the graph that the question names."
    no_intent: str = "Sorry, I don't know what you want to know about {entities}."
    no_facts: str = "Sorry, I don't know: the graph has no {relation} for {subject}."
    separator: str = ", "
    more: str = " (and {count} more)"

    @field_validator("no_intent", "no_facts", "more")
    @classmethod
    def _fields(cls, text: str, info: ValidationInfo) -> str:
        allowed = {"no_intent": ("entities",), "no_facts": ("subject", "relation"), "more": ("count",)}
        return format_fields(text, allowed[info.field_name])


class QAParams(Section):
    labels: list[Identifier] | None = Field(None, description="labels whose names are linked; null: every label")
    deny_words: str | None = Field(None, description="file of negation words (one per line), relative to the task")
    min_entity_chars: Annotated[int, Field(ge=1)] = Field(2, description="shorter names are not linked")
    max_items: Annotated[int, Field(ge=1)] = Field(20, description="answers listed in the sentence (all are returned)")
    rules: list[IntentRule] = Field(min_length=1)
    messages: Messages = Messages()
