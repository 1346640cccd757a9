"""docs/page.md documents every field of every page context and every [site] setting."""

from __future__ import annotations

import dataclasses
import inspect
import re
from pathlib import Path

import pytest

from statuspage.presentation.days import CalendarMonth, DayCell
from statuspage.presentation.display import StatusBadge, TimeText
from statuspage.presentation.metric_cards import MetricCard
from statuspage.rules.indicator import Banner
from statuspage.settings_model import SiteSettings
from statuspage.web.component_page import (
    ChartBlock,
    ChartRow,
    ComponentPage,
    PhaseBreakdown,
    PhaseRow,
    WindowRow,
)
from statuspage.web.component_rows import (
    AboutFigures,
    ComponentBlock,
    DependencyState,
    WindowFigure,
)
from statuspage.web.context_history import (
    ComponentImpact,
    HistoryDay,
    HistoryPage,
    IncidentPage,
)
from statuspage.web.context_home import GroupBlock, HomePage
from statuspage.web.context_incidents import AffectedChange, IncidentCard, UpdateEntry
from statuspage.web.context_site import FeedLink, NavLink, SiteContext
from statuspage.web.context_subscribe import FeedAddress, FeedChoice, SubscribePage
from statuspage.web.day_links import BarDay
from statuspage.web.error_page import ErrorPage
from statuspage.web.front_rows import ComponentRow, LatencySummary
from statuspage.web.performance import LatencyCheck, Performance

DOCS = Path(__file__).resolve().parents[2] / "docs" / "page.md"
CONTEXTS = [
    SiteContext, NavLink, FeedLink, HomePage, Banner, GroupBlock, ComponentRow, BarDay,
    LatencySummary, ComponentBlock, StatusBadge,
    TimeText, DayCell, CalendarMonth, WindowFigure, Performance, LatencyCheck, DependencyState,
    AboutFigures, IncidentCard, UpdateEntry, AffectedChange, ComponentPage, WindowRow,
    ChartBlock, ChartRow, PhaseBreakdown, PhaseRow, HistoryPage, HistoryDay, IncidentPage,
    ComponentImpact, SubscribePage, FeedChoice, FeedAddress, ErrorPage, MetricCard,
]  # fmt: skip


def sections() -> dict[str, str]:
    parts = re.split(r"^### (\w+)\n", DOCS.read_text("utf-8"), flags=re.MULTILINE)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


@pytest.mark.parametrize("context", CONTEXTS, ids=lambda c: c.__name__)
def test_each_context_field_is_documented_in_its_section(context: type) -> None:
    section = sections().get(context.__name__, "")
    names = (
        [f.name for f in dataclasses.fields(context)]
        if dataclasses.is_dataclass(context)
        else list(inspect.get_annotations(context))  # a NamedTuple (BarDay)
    )
    missing = [name for name in names if f"`{name}`" not in section]
    assert not missing, f"docs/page.md, ### {context.__name__}: document {missing}"


def test_every_site_setting_is_documented() -> None:
    text = DOCS.read_text("utf-8")
    assert [name for name in SiteSettings.model_fields if f"`{name}`" not in text] == []
