"""Incident messages: Markdown rendered by markdown-it-py and sanitised by nh3.

Raw HTML in the source is escaped by markdown-it (html=False) and the output
passes through nh3 with a small allow-list, so script, event handlers, styles
and `javascript:` links never reach a page; links may only be http, https or
mailto, and open with rel="nofollow noopener noreferrer".
"""

from __future__ import annotations

import html
import re

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

_ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "h3",
    "h4",
    "hr",
    "del",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
_ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
_URL_SCHEMES = {"http", "https", "mailto"}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

_parser = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
_parser.enable(["table", "strikethrough"])


def strip_control_characters(text: str) -> str:
    """Remove C0 controls (but tab and newlines) and lone surrogates, which no page,
    feed or JSON client should ever receive."""
    text = text.encode("utf-8", "replace").decode("utf-8") if _has_surrogates(text) else text
    return _CONTROL.sub("", text)


def _has_surrogates(text: str) -> bool:
    return any("\ud800" <= ch <= "\udfff" for ch in text)


def render_markdown(source: str) -> Markup:
    """Safe HTML for an incident message."""
    rendered = _parser.render(strip_control_characters(source))
    cleaned = nh3.clean(
        rendered,
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes=_URL_SCHEMES,
        link_rel="nofollow noopener noreferrer",
    )
    return Markup(cleaned)  # noqa: S704 - nh3 has just sanitised it


def markdown_to_text(source: str) -> str:
    """Plain text of a message, for the JSON API's `body` and feed titles."""
    text = nh3.clean(str(render_markdown(source)), tags=set())
    return re.sub(r"\n{3,}", "\n\n", html.unescape(text)).strip()
