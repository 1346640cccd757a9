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
from itertools import repeat
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


def day_links(
    component_url: str, days: Sequence[date], levels: Sequence[str], *, label: str
) -> Markup:
    """The bar: a named group of day links, oldest first; `levels` are the days' levels."""
    if len(levels) != len(days):
        raise ValueError(f"{len(levels)} levels for {len(days)} days")
    return _bar(component_url, tuple(days), tuple(levels), label)


@lru_cache(maxsize=512)
def _bar(component_url: str, days: tuple[date, ...], levels: tuple[str, ...], label: str) -> Markup:
    """`day_links`, kept by its arguments: a bar's 90 links are a third of the rows'
    time on a front-page render, and a render after a new result (today's counts)
    mostly draws the same levels again. A function of its arguments alone, so
    keeping it cannot go stale. 512 bars: about 2.5 MB at most (4.6 KB each)."""
    base = str(escape(component_url))
    quote = "" if _UNQUOTED.match(base) else '"'
    head = f"<a href={quote}{base}#"
    # Each link's start by level ("<a href=/components/api#g"), joined with its tail
    # by `map`, which keeps the 90 joins of a bar out of Python frames.
    heads = {level: head + letter for level, letter in LEVEL_LETTERS.items()}
    links = map(str.__add__, map(heads.get, levels, repeat(head + "n")), _tails(days, quote))
    opening = f'<div class="days" role="group" aria-label="{escape(label)}">'
    return Markup("".join([opening, *links, "</div>"]))  # noqa: S704 - URL and label escaped


@lru_cache(maxsize=16)
def _tails(days: tuple[date, ...], quote: str) -> tuple[str, ...]:
    """Each link's end after its level letter, e.g. `0907>7</a>`: every bar of a page
    shows the same days, so they are formatted once. Kept in step with `day_anchor`."""
    return tuple(f"{day_anchor(day, 'good')[1:]}{quote}>{day.day}</a>" for day in days)
