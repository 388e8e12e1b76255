"""The subgraph an answer matched, drawn as SVG on the server (no script, no CDN): each
question entity in a column on the left, its answers fanned out on the right, edges labelled
with the relation. Every text is XML-escaped: names come from data, and data may hold markup.

Colours are presentation attributes on the elements themselves (no stylesheet needed, none
referenced): the drawing reads the same inline in a page, saved alone or in a viewer, on a
white background with dark text. An edge's label sits at its target end, where the edges are
one row apart, so the labels of a fan of answers never overlap."""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape

ROW = 26
WIDTH = 640
MAX_SHOWN = 12  # answers drawn per query; the rest is summarised in one node
FONT = 12
LABEL_FONT = 11
INK = "#111827"  # every text: contrast above 12:1 on each fill below
SUBJECT = 'fill="#dbeafe" stroke="#1d4ed8" stroke-width="1.5"'
NODE = 'fill="#dcfce7" stroke="#15803d"'  # an answer that is a node of the graph
VALUE = 'fill="#f3f4f6" stroke="#6b7280"'  # an answer that is a property's text
EDGE = 'stroke="#9ca3af" stroke-width="1.2"'
# A white halo behind an edge label keeps it readable where other edges cross it.
LABEL = f'font-size="{LABEL_FONT}" fill="#374151" stroke="#ffffff" stroke-width="3" paint-order="stroke"'


def _label(text: str, limit: int = 18) -> str:
    return escape(text if len(text) <= limit else text[: limit - 1] + "…")


def subgraph_svg(result: dict[str, Any]) -> str:
    """An SVG of ``result['queries']`` (an engine answer); an empty string when nothing matched."""
    blocks = [q for q in result.get("queries", []) if q["answers"]]
    if not blocks:
        return ""
    parts: list[str] = []
    y = 10
    for query in blocks:
        shown = query["answers"][:MAX_SHOWN]
        hidden = len(query["answers"]) - len(shown)
        rows = len(shown) + (1 if hidden else 0)
        centre = y + rows * ROW / 2
        subject = f"{query['subject']} ({query['subject_label']})"
        parts.append(
            f'<g class="subject"><rect x="10" y="{centre - 13:.0f}" width="190" height="26" rx="6" {SUBJECT}/>'
            f'<text x="105" y="{centre + 4:.0f}" text-anchor="middle" fill="{INK}">{_label(subject, 22)}</text>'
            f"<title>{escape(subject)}</title></g>"
        )
        box = NODE if query["answer_label"] else VALUE
        for n, item in enumerate([*shown, *([f"… {hidden} more"] if hidden else [])]):
            cy = y + n * ROW + ROW / 2
            parts.append(
                f'<g class="edge"><line x1="200" y1="{centre:.0f}" x2="420" y2="{cy:.0f}" {EDGE}/>'
                f'<text x="414" y="{cy - 4:.0f}" text-anchor="end" {LABEL}>{_label(query["relation"], 12)}</text></g>'
                f'<g class="{"node" if query["answer_label"] else "value"}"><rect x="420" y="{cy - 11:.0f}" '
                f'width="210" height="22" rx="4" {box}/><text x="428" y="{cy + 4:.0f}" fill="{INK}">'
                f"{_label(item, 16)}</text><title>{escape(item)}</title></g>"
            )
        y += rows * ROW + 14
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="subgraph" viewBox="0 0 {WIDTH} {y}" width="{WIDTH}" '
        f'height="{y}" role="img" aria-label="matched subgraph" font-family="sans-serif" font-size="{FONT}">'
        f'<rect width="{WIDTH}" height="{y}" fill="#ffffff"/>{"".join(parts)}</svg>'
    )
