"""Markdown to HTML for the model card: markdown-it-py with raw HTML off, so any text in the card
(a params value, a README's limits) is escaped, never run."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from markupsafe import Markup

if TYPE_CHECKING:
    from markdown_it import MarkdownIt


@cache
def _renderer() -> MarkdownIt:
    from markdown_it import MarkdownIt

    # "js-default": CommonMark with tables; html=False escapes raw HTML, linkify off.
    return MarkdownIt("js-default", {"html": False})


def render_markdown(text: str) -> Markup:
    return Markup(_renderer().render(text))
