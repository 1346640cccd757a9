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
from dataclasses import dataclass
from datetime import date

from markupsafe import Markup, escape

from statuspage.presentation.days import day_anchor

# What may stand in an attribute without quotes (HTML forbids space, quotes, =, <, > and `).
_UNQUOTED = re.compile(r"^[A-Za-z0-9/_.~#-]+$")


@dataclass(frozen=True, slots=True)
class BarDay:
    """One stripe: a site-local day and its colour level (see presentation/days.py)."""

    day: date
    level: str  # good | fair | poor | bad | none


def day_links(component_url: str, days: Sequence[BarDay], *, label: str) -> Markup:
    """The bar: a named group of day links, oldest first."""
    base = str(escape(component_url))
    quote = "" if _UNQUOTED.match(base) else '"'
    parts = [f'<div class="days" role="group" aria-label="{escape(label)}">']
    for bar_day in days:
        href = f"{quote}{base}#{day_anchor(bar_day.day, bar_day.level)}{quote}"
        parts.append(f"<a href={href}>{bar_day.day.day}</a>")
    parts.append("</div>")
    return Markup("".join(parts))  # noqa: S704 - the URL and the label are escaped above
