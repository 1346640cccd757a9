"""Fetch every public URL from the running app and rewrite page links for a static tree.

Starting from the given paths, each HTML page is scanned for `href` and `src`
attributes; links to this site are queued, and rewritten to the relative path
of the file they will be exported to. Feeds, JSON and SVG are written as
served: their links are absolute, based on `site.url`, as feed readers and API
clients need.
"""

from __future__ import annotations

import html
import re
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field

from aiohttp import ClientSession

from statuspage.export.paths import file_for, internal_path, relative_link

MAX_FILES = 50_000  # a runaway crawl (a link generator bug) stops here
# Quoted, or bare as the front page's day links are (statuspage/web/day_links.py).
_ATTRIBUTE = re.compile(r'(?P<name>\b(?:href|src))=(?:"(?P<value>[^"]*)"|(?P<bare>[^\s"\'=<>`]+))')


@dataclass(slots=True)
class Crawl:
    files: dict[str, bytes] = field(default_factory=dict)  # exported path -> body
    failed: list[tuple[str, int]] = field(default_factory=list)  # (url, HTTP status)
    unmapped: set[str] = field(default_factory=set)  # linked, but no file can hold it


def rewrite_page(text: str, page_file: str, site_url: str) -> tuple[str, list[str]]:
    """The page with internal links made relative, and the internal targets it links."""
    targets: list[str] = []

    def replace(match: re.Match[str]) -> str:
        raw = html.unescape(match.group("value") or match.group("bare") or "")
        href, _, fragment = raw.partition("#")
        target = internal_path(href, site_url) if href else None
        file = None if target is None else file_for(target)
        if target is None or file is None:
            return match.group(0)
        targets.append(target)
        link = relative_link(page_file, file, fragment)
        return f'{match.group("name")}="{html.escape(link, quote=True)}"'

    return _ATTRIBUTE.sub(replace, text), targets


async def crawl(client: ClientSession, base: str, start: Iterable[str], site_url: str) -> Crawl:
    """Fetch the `start` paths and everything their pages link to, from the app at `base`."""
    result = Crawl()
    queue: deque[str] = deque(dict.fromkeys(start))
    seen = set(queue)
    while queue and len(result.files) < MAX_FILES:
        target = queue.popleft()
        file = file_for(target)
        if file is None:
            result.unmapped.add(target)
            continue
        async with client.get(base + target, allow_redirects=False) as response:
            body = await response.read()
            is_html = response.content_type == "text/html"
            if response.status != 200:
                result.failed.append((target, response.status))
                continue
        if is_html:
            text, links = rewrite_page(body.decode("utf-8"), file, site_url)
            body = text.encode("utf-8")
            for link in links:
                if link not in seen:
                    seen.add(link)
                    queue.append(link)
        result.files.setdefault(file, body)
    return result
