"""Static files: loaded once, fingerprinted by content, served from this origin.

URLs carry the fingerprint (`/static/style.css?v=1a2b3c4d5e6f`), so a response
that asked for the current fingerprint may be cached for a year; any other
request gets a short cache life. The theme stylesheet is generated from the
configured accent colour (`colour.theme_css`), because the Content-Security-
Policy forbids inline styles.
"""

from __future__ import annotations

import gzip
import hashlib
from dataclasses import dataclass
from pathlib import Path

from statuspage.http.colour import theme_css

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
THEME = "theme.css"
CONTENT_TYPES = {
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".svg": "image/svg+xml",
}
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "public, max-age=300"
GZIP_FROM_BYTES = 1024


@dataclass(frozen=True, slots=True)
class Asset:
    name: str
    body: bytes
    content_type: str
    fingerprint: str  # first 12 hex digits of the body's SHA-256
    # Compressed once at load (the stylesheet is 20 KB, 5.7 KB gzipped); None for a file
    # under GZIP_FROM_BYTES (the favicon), where a few bytes saved cost the client a
    # decompression and the cache a second variant.
    gzipped: bytes | None = None

    @property
    def url(self) -> str:
        return f"/static/{self.name}?v={self.fingerprint}"

    @property
    def etag(self) -> str:
        return f'"{self.fingerprint}"'

    @property
    def gzip_etag(self) -> str:
        # Another representation, so another strong validator (RFC 9110, 8.8.3).
        return f'"{self.fingerprint}-gzip"'

    @classmethod
    def of(cls, name: str, body: bytes) -> Asset:
        content_type = CONTENT_TYPES[Path(name).suffix]
        packed = gzip.compress(body, compresslevel=9, mtime=0)
        return cls(
            name,
            body,
            content_type,
            hashlib.sha256(body).hexdigest()[:12],
            packed if len(body) >= GZIP_FROM_BYTES and len(packed) < len(body) else None,
        )


class Assets:
    """The files under statuspage/static plus the generated theme."""

    def __init__(self, files: dict[str, Asset]) -> None:
        self._files = files
        self._theme: Asset | None = None

    @classmethod
    def load(cls, directory: Path = STATIC_DIR) -> Assets:
        files = {
            path.name: Asset.of(path.name, path.read_bytes())
            for path in sorted(directory.iterdir())
            if path.suffix in CONTENT_TYPES
        }
        return cls(files)

    def get(self, name: str, accent: str) -> Asset | None:
        """An asset by file name (never a path: no traversal is possible)."""
        return self.theme(accent) if name == THEME else self._files.get(name)

    def url(self, name: str) -> str:
        return self._files[name].url

    def theme(self, accent: str) -> Asset:
        body = theme_css(accent).encode()
        if self._theme is None or self._theme.body != body:
            self._theme = Asset.of(THEME, body)  # rebuilt only when a reload changes the colour
        return self._theme
