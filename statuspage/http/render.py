"""Jinja2 set up for the pages: autoescaping everywhere, strict about undefined names.

Templates live in the repository's top-level `templates/` folder. An installed
wheel carries them inside the package as `statuspage/templates/` (setup.py maps
the folder there; see docs/page.md, "Packaging"). The package's own folder is
tried first, so an installed service never picks up some other `templates/`
that happens to sit next to it in site-packages.
"""

from __future__ import annotations

import re
from pathlib import Path

import jinja2

_PACKAGE = Path(__file__).resolve().parent.parent  # statuspage/
TEMPLATE_DIRS = (_PACKAGE / "templates", _PACKAGE.parent / "templates")
# C0 controls but tab and newlines, DEL, and lone surrogates (which cannot be encoded).
_NEVER_IN_A_PAGE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
# The same controls as bytes: in UTF-8 no other character's encoding contains them.
_CONTROL_BYTES = bytes([*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])


def template_dir() -> Path:
    for candidate in TEMPLATE_DIRS:
        if (candidate / "base.html").is_file():
            return candidate
    searched = ", ".join(str(d) for d in TEMPLATE_DIRS)
    raise RuntimeError(f"page templates not found (looked in {searched})")


class Renderer:
    """Renders a template with one context object, named `page` inside the template."""

    def __init__(self, directory: Path | None = None) -> None:
        self.environment = jinja2.Environment(
            loader=jinja2.FileSystemLoader(directory or template_dir()),
            autoescape=True,  # every template is HTML; text is escaped unless marked safe
            undefined=jinja2.StrictUndefined,  # a misspelt field fails the test, not the reader
            trim_blocks=True,
            lstrip_blocks=True,
            auto_reload=False,  # templates change with a deploy, not at run time
            keep_trailing_newline=False,
        )

    def render(self, template: str, page: object) -> str:
        html = self.environment.get_template(template).render(page=page)
        # Contexts clean what they show; this is the net under them: a control
        # character is never valid in a page, whichever field it came through.
        return without_controls(html)


def without_controls(html: str) -> str:
    """`html` without the characters `_NEVER_IN_A_PAGE` matches. Nearly every page has
    none, and finding that out on the UTF-8 bytes (the encoder refuses lone surrogates)
    takes a third of the regular expression's time over a 200 KB front page."""
    try:
        encoded = html.encode()
    except UnicodeEncodeError:
        return _NEVER_IN_A_PAGE.sub("", html)
    if len(encoded.translate(None, _CONTROL_BYTES)) == len(encoded):
        return html
    return _NEVER_IN_A_PAGE.sub("", html)
