"""The front page's day bar (statuspage/web/day_links.py): small, escaped, one link per day."""

from __future__ import annotations

from datetime import date

import pytest
from bs4 import BeautifulSoup

from statuspage.web.day_links import day_links

DAYS = [date(2026, 12, 30), date(2026, 12, 31)]
LEVELS = ["good", "bad"]


def test_each_day_is_a_bare_link_to_its_anchor_named_by_its_day_of_the_month() -> None:
    html = str(day_links("/components/api", DAYS, LEVELS, label="API, last 2 days"))
    assert "<a href=/components/api#g1230>30</a><a href=/components/api#b1231>31</a>" in html


def test_the_bar_is_a_group_whose_name_is_escaped() -> None:
    html = str(day_links("/components/api", DAYS, LEVELS, label='<b>"API"</b>, last 2 days'))
    group = BeautifulSoup(html, "html.parser").select_one("div.days")
    assert group is not None
    assert group["role"] == "group"
    assert group["aria-label"] == '<b>"API"</b>, last 2 days'
    assert "<b>" not in html


def test_an_address_that_cannot_stand_bare_is_quoted_and_escaped() -> None:
    html = str(day_links('/components/a b"<', DAYS[:1], LEVELS[:1], label="x"))
    link = BeautifulSoup(html, "html.parser").select_one("a")
    assert link is not None
    assert link["href"] == '/components/a b"<#g1230'


def test_a_bar_drawn_again_with_one_level_changed_shows_the_change() -> None:
    before = str(day_links("/components/api", DAYS, LEVELS, label="API"))
    after = str(day_links("/components/api", DAYS, ["good", "fair"], label="API"))
    assert "#b1231>" in before
    assert "#f1231>" in after
    assert "#b1231>" not in after


def test_a_bar_needs_one_level_per_day() -> None:
    with pytest.raises(ValueError, match="1 levels for 2 days"):
        day_links("/components/api", DAYS, LEVELS[:1], label="API")
