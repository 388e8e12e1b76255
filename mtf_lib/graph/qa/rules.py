"""The params of question answering: the intent rule table and the answer messages."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from mtf_lib.config import Section
from mtf_lib.graph.schema import Identifier


class IntentRule(Section):
    """An intent fires for each entity of label ``entity`` in a question that holds one of its
    ``keywords`` (none: the entity alone is enough), meets ``negated`` and names no entity of an
    ``unless`` label; a ``fallback`` rule fires only when no other rule did. ``cypher`` receives
    the entity's name as ``$name`` and
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


class Messages(Section):
    no_entity: str = "Sorry, I don't know: I found nothing in the graph that the question names."
    no_intent: str = "Sorry, I don't know what you want to know about {entities}."
    no_facts: str = "Sorry, I don't know: the graph has no {relation} for {subject}."
    separator: str = ", "
    more: str = " (and {count} more)"


class QAParams(Section):
    labels: list[Identifier] | None = Field(None, description="labels whose names are linked; null: every label")
    deny_words: str | None = Field(None, description="file of negation words (one per line), relative to the task")
    min_entity_chars: Annotated[int, Field(ge=1)] = Field(2, description="shorter names are not linked")
    max_items: Annotated[int, Field(ge=1)] = Field(20, description="answers listed in the sentence (all are returned)")
    rules: list[IntentRule] = Field(min_length=1)
    messages: Messages = Messages()
