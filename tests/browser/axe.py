"""axe-core (vendor/axe.min.js, Deque's MPL-2.0 engine, licence beside it) run in the
page: the accessibility violations a browser can find, against WCAG 2.x A and AA."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

VENDORED = Path(__file__).with_name("vendor") / "axe.min.js"
BLOCKING = ("serious", "critical")
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
# WCAG 2.2's target size (2.5.8) on the public pages: the 90-day bar's days are about
# 4 px wide at 360 px, and once each day is a link (the front page's redesign) the
# rule flags all ninety. 2.5.8 exempts a target whose function another control of
# sufficient size offers, which the component's calendar does; axe cannot know that.
# The admin area keeps the rule.
PUBLIC_SKIPS = ("target-size",)
# Page-level rules run too (one h1, landmarks, a lang): a page is the unit here.
RUN = """async ([tags, skips]) => {
  const rules = Object.fromEntries(skips.map(id => [id, {enabled: false}]));
  const result = await axe.run(document, {
    runOnly: {type: 'tag', values: tags}, rules, resultTypes: ['violations'],
  });
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.slice(0, 5).map(n => n.target.join(' ')),
  }));
}"""


@cache
def axe_source() -> str:
    return VENDORED.read_text(encoding="utf-8")


def violations(page: Any, skip: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """Every violation on the page as loaded, but for the rules in `skip`. The engine
    is evaluated through the DevTools protocol, which the pages' Content-Security-Policy
    does not govern, so the pages are checked exactly as served."""
    page.evaluate(axe_source())
    return list(page.evaluate(RUN, [TAGS, list(skip)]))


def blocking(page: Any, skip: tuple[str, ...] = ()) -> list[str]:
    """Serious and critical violations, one line each: rule, help, first elements."""
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {v['targets']}"
        for v in violations(page, skip)
        if v["impact"] in BLOCKING
    ]
