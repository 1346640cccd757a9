"""axe-core (vendor/axe.min.js, Deque's MPL-2.0 engine, licence beside it) run in the
page: the accessibility violations a browser can find, against WCAG 2.x A and AA."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

VENDORED = Path(__file__).with_name("vendor") / "axe.min.js"
BLOCKING = ("serious", "critical")
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
# Every rule runs on every page, WCAG 2.2's target size (2.5.8, 24 px) included: the
# 90-day bar's days are about 2.5 px wide at 360 px, but with the page script on each
# bar is one tab stop and its other days are `tabindex=-1`, so axe finds no undersized
# target. (With JavaScript off axe's asynchronous run never returns, so it runs with
# the script on only; the no-script bar's links rest on 2.5.8's exemption for a
# target whose function a large enough control offers: the component's calendar.)
# Page-level rules run too (one h1, landmarks, a lang): a page is the unit here.
RUN = """async (tags) => {
  const result = await axe.run(document, {
    runOnly: {type: 'tag', values: tags}, resultTypes: ['violations'],
  });
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.slice(0, 5).map(n => n.target.join(' ')),
  }));
}"""


@cache
def axe_source() -> str:
    return VENDORED.read_text(encoding="utf-8")


def violations(page: Any) -> list[dict[str, Any]]:
    """Every violation on the page as loaded. The engine is evaluated through the
    DevTools protocol, which the pages' Content-Security-Policy does not govern, so the
    pages are checked exactly as served."""
    page.evaluate(axe_source())
    return list(page.evaluate(RUN, TAGS))


def blocking(page: Any) -> list[str]:
    """Serious and critical violations, one line each: rule, help, first elements."""
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {v['targets']}"
        for v in violations(page)
        if v["impact"] in BLOCKING
    ]
