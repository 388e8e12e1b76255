"""The question-answering engine: link → intents → one parameterized query per (intent, entity)
→ answer. Every query reads only (the store is opened read-only) and takes the entity's name as
the parameter ``$name``: the question's text never becomes Cypher."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from mtf_lib.graph.qa.linker import EntityLinker, Mention
from mtf_lib.graph.qa.rules import IntentRule, QAParams
from mtf_lib.graph.store import GraphStore


@dataclass(frozen=True)
class Firing:
    rule: IntentRule
    mention: Mention
    index: int = 0  # the rule's place in qa.rules
    keyword: str | None = None  # the keyword it fired on (none: a rule without keywords)


def fired_rules(
    question: str, mentions: Sequence[Mention], rules: Sequence[IntentRule], deny: Sequence[str]
) -> list[Firing]:
    """The (rule, entity) pairs a question fires, in rule order, each once. Fallback rules are
    tried only when no other rule fired for any entity of the question: a question answered
    about one entity is not also answered "what it is" about another."""
    negated = any(word in question for word in deny)
    # Keywords are looked for outside the entities' names (the symptom 咳嗽 is not the keyword 咳).
    rest = question
    for m in sorted(mentions, key=lambda m: -m.start):
        rest = rest[: m.start] + " " + rest[m.end :]
    firings: list[Firing] = []
    for fallback in (False, True):
        for index, rule in enumerate(rules):
            if rule.fallback != fallback:
                continue
            if rule.negated is not None and rule.negated != negated:
                continue
            keyword = next((k for k in rule.keywords if k in rest), None)
            if rule.keywords and keyword is None:
                continue
            # A reverse question yields to another entity it names (咳嗽 is also a disease: not that).
            if any(rule.entity not in m.labels and set(m.labels) & set(rule.unless) for m in mentions):
                continue
            for mention in mentions:
                if rule.entity in mention.labels and not any(
                    f.rule.intent == rule.intent and f.mention.name == mention.name for f in firings
                ):
                    firings.append(Firing(rule, mention, index, keyword))
        if firings:
            break
    return firings


def _items(rows: list[dict[str, Any]]) -> list[str]:
    """The answer column's values, a list-valued property flattened, blanks and repeats dropped."""
    items: list[str] = []
    for row in rows:
        value = row.get("answer")
        for item in value if isinstance(value, list) else [value]:
            if item is not None and str(item).strip():
                items.append(str(item).strip())
    return list(dict.fromkeys(items))


class QAEngine:
    def __init__(self, store: GraphStore, params: QAParams, labels: Sequence[str], deny_words: Sequence[str]) -> None:
        self.store = store
        self.params = params
        self.deny_words = list(deny_words)
        linked = params.labels or list(labels)
        names = {label: self._names(label) for label in linked}
        self.linker = EntityLinker(names, params.min_entity_chars)

    def _names(self, label: str) -> list[str]:
        return [r["name"] for r in self.store.read(f"MATCH (n:{label}) RETURN n.name AS name")]

    def answer(self, question: str) -> dict[str, Any]:
        messages = self.params.messages
        mentions = self.linker.link(question)
        entities = [{"name": m.name, "labels": list(m.labels), "start": m.start, "end": m.end} for m in mentions]
        firings = fired_rules(question, mentions, self.params.rules, self.deny_words)
        queries, sentences, answers, known = [], [], [], False
        for firing in firings:
            rule, name = firing.rule, firing.mention.name
            parameters = {"name": name}
            items = _items(self.store.read(rule.cypher, parameters))
            queries.append(
                {
                    "intent": rule.intent,
                    "rule": firing.index,  # which rule, and why: 是什么 in 可能是什么病 fires a description
                    "keyword": firing.keyword,
                    "cypher": rule.cypher,
                    "parameters": parameters,
                    "answers": items,
                    "relation": rule.relation,
                    "answer_label": rule.answer_label,
                    "subject": name,
                    "subject_label": rule.entity,
                }
            )
            if items:
                known = True
                shown = messages.separator.join(items[: self.params.max_items])
                if len(items) > self.params.max_items:
                    shown += messages.more.format(count=len(items) - self.params.max_items)
                sentences.append(rule.answer.format(subject=name, answers=shown))
                answers.extend(i for i in items if i not in answers)
            else:
                sentences.append(messages.no_facts.format(subject=name, relation=rule.relation))
        if not mentions:
            sentences = [messages.no_entity]
        elif not firings:
            names = messages.separator.join(f"{m.name} ({'/'.join(m.labels)})" for m in mentions)
            sentences = [messages.no_intent.format(entities=names)]
        return {
            "question": question,
            "answer": "\n".join(sentences),
            "known": known,
            "answers": answers,
            "entities": entities,
            "intents": list(dict.fromkeys(f.rule.intent for f in firings)),
            "queries": queries,
        }
