"""The front page's 90-day bar: one link per day, to that day on the component's calendar.

A tap on a stripe opens the day's figures with no script (the link), and the
page script turns the tap into an inline popover. 4,500 of these links make up
most of a 50-component front page, so each is as small as HTML allows (sizes
in docs/page.md): an unquoted `href` whose anchor also says the day's level
(`presentation.days.day_anchor`, so the stylesheet colours the link from it
and no class is needed), and the day of the month as the link's text: hidden
on screen but read out, since every link needs a name.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from functools import lru_cache
from typing import NamedTuple

from markupsafe import Markup, escape

from statuspage.presentation.days import LEVEL_LETTERS, day_anchor

# What may stand in an attribute without quotes (HTML forbids space, quotes, =, <, > and `).
_UNQUOTED = re.compile(r"^[A-Za-z0-9/_.~#-]+$")


class BarDay(NamedTuple):
    """One stripe: a site-local day and its colour level (see presentation/days.py).
    A named tuple: a 50-component page makes 4,500 of them per render."""

    day: date
    level: str  # good | fair | poor | bad | none


def day_links(component_url: str, days: Sequence[BarDay], *, label: str) -> Markup:
    """The bar: a named group of day links, oldest first."""
    base = str(escape(component_url))
    quote = "" if _UNQUOTED.match(base) else '"'
    parts = [f'<div class="days" role="group" aria-label="{escape(label)}">']
    parts.extend(
        f"<a href={quote}{base}#{LEVEL_LETTERS.get(level, 'n')}{_tail(day, quote)}"
        for day, level in days
    )
    parts.append("</div>")
    return Markup("".join(parts))  # noqa: S704 - the URL and the label are escaped above


@lru_cache(maxsize=512)
def _tail(day: date, quote: str) -> str:
    """A link's end after its level letter, e.g. `0907>7</a>`: the same 90 days on every
    bar of the page, so each is formatted once. Kept in step with `day_anchor`."""
    return f"{day_anchor(day, 'good')[1:]}{quote}>{day.day}</a>"
