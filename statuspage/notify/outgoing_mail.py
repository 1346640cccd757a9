"""Every mail the service sends starts here (`new_mail`): Subject, From, To, Date from
the injected clock, a Message-ID that stays the same on every retry, and
`Auto-Submitted` (RFC 3834: nobody should auto-reply to it). The operators' email
channel and the subscribers' mail only add their bodies and their own headers.

Two headers are folded here rather than by the `email` package, whose folder
mangles them: aiosmtplib flattens with its own 78-character policy, and under it a
long URI becomes a run of encoded-words (no mail client can follow
`List-Unsubscribe: =?utf-8?q?=3Chttp...`), while a long non-ASCII subject may lose
the spaces between its encoded-words or, under SMTPUTF8, start with a fold that
decodes as a leading space. Only the header objects travel with the message into
aiosmtplib's flattening, so the fix is a header class that folds itself.
"""

from __future__ import annotations

import re
from datetime import datetime
from email.header import Header
from email.headerregistry import BaseHeader, HeaderRegistry, UnstructuredHeader
from email.message import EmailMessage
from email.policy import EmailPolicy, Policy, default
from email.utils import format_datetime
from urllib.parse import quote, urlsplit, urlunsplit

SUBJECT_CHARS = 200
_LINE_CHARS = 78  # RFC 5322's "should"; 998 is its "must"
_ENCODED_LINE_CHARS = 76  # a space and an encoded-word of at most 75 (RFC 2047)
_MAX_LINE_CHARS = 998
_PRINTABLE_ASCII = re.compile(r"[\x20-\x7e]*")
# Every printable ASCII character but space: quote() leaves these as they are.
_URI_SAFE = "".join(chr(code) for code in range(0x21, 0x7F))


class SubjectHeader(UnstructuredHeader, BaseHeader):
    """A subject folded at spaces when it is printable ASCII, else written whole as
    RFC 2047 encoded-words (`email.header.Header`, which splits inside the encoded
    text, so no space is lost or added on decoding)."""

    def fold(self, *, policy: Policy) -> str:
        text, linesep = str(self), policy.linesep
        if _PRINTABLE_ASCII.fullmatch(text):
            return f"{self.name}: " + _fold_at_spaces(text, len(self.name) + 2, linesep) + linesep
        encoded = Header(text, "utf-8", header_name=self.name, maxlinelen=_ENCODED_LINE_CHARS)
        return f"{self.name}: {encoded.encode(linesep=linesep)}{linesep}"


class UriHeader(UnstructuredHeader, BaseHeader):
    """`<URI>` on one line, literal (RFC 2369): a URI is never encoded, and one line
    may hold 998 characters."""

    def fold(self, *, policy: Policy) -> str:
        line = f"{self.name}: {self}"
        if not _PRINTABLE_ASCII.fullmatch(line) or len(line) > _MAX_LINE_CHARS:
            raise ValueError(f"{self.name} must be one line of ASCII, at most 998 characters")
        return line + policy.linesep


def _fold_at_spaces(text: str, used: int, linesep: str) -> str:
    """`text` with a fold before a word that would pass the line length; a word longer
    than a line stays whole (up to 998 characters are allowed)."""
    lines: list[str] = []
    line = ""
    for word in text.split(" "):
        if line and used + len(line) + 1 + len(word) > _LINE_CHARS:
            lines.append(line)
            line, used = word, 1  # the continuation line's leading space
        else:
            line = f"{line} {word}" if line else word
    lines.append(line)
    return f"{linesep} ".join(lines)


def _policy() -> EmailPolicy[EmailMessage]:
    registry = HeaderRegistry()
    registry.map_to_type("subject", SubjectHeader)
    registry.map_to_type("list-unsubscribe", UriHeader)
    policy: EmailPolicy[EmailMessage] = default.clone(header_factory=registry)
    return policy


MAIL_POLICY = _policy()


def one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def new_mail(
    *, sender: str, to: str, site: str, subject: str, key: str, now: datetime
) -> EmailMessage:
    """A mail with the headers every mail carries; `key` names it in its Message-ID
    (`notification-7`), the same for every attempt to send it."""
    mail = EmailMessage(policy=MAIL_POLICY)
    mail["Subject"] = one_line(f"[{site}] {subject}")[:SUBJECT_CHARS].rstrip()
    mail["From"] = sender
    mail["To"] = to
    mail["Date"] = format_datetime(now)
    domain = sender.rpartition("@")[2] or "statuspage.invalid"
    mail["Message-ID"] = f"<statuspage-{key}@{domain}>"
    mail["Auto-Submitted"] = "auto-generated"
    return mail


def ascii_uri(url: str) -> str:
    """`url` as a URI: an internationalised host in its punycode form, anything else
    outside printable ASCII percent-encoded (`site.url` may be written either way)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = parts.netloc
    if not host.isascii():
        ascii_host = host.encode("idna").decode("ascii")
        netloc = ascii_host if parts.port is None else f"{ascii_host}:{parts.port}"
    rest = [quote(part, safe=_URI_SAFE) for part in (parts.path, parts.query, parts.fragment)]
    return urlunsplit((parts.scheme, netloc, *rest))
