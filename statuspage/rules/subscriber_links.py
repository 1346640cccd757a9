"""Signed links in subscribers' mail: confirm a subscription, or leave it.

A token is the claims as compact JSON, base64url, a dot, and an HMAC-SHA256 of that
text under the site's secret. The claims name the subscriber, what the link does,
a digest of the address (an id freed by an erased subscriber and given to someone
new must not let an old link act on the newcomer), for a confirmation the components
chosen, and when the link stops working. Unsubscribe links never expire: a mail
read a year later must still let its reader leave.

Pure: the caller gives `now` and the secret.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

CONFIRM = "confirm"
UNSUBSCRIBE = "unsubscribe"
_PURPOSES = (CONFIRM, UNSUBSCRIBE)
MAX_TOKEN = 4000  # far above any real link; longer input is refused unread


@dataclass(frozen=True, slots=True)
class LinkClaims:
    subscriber_id: int
    purpose: str
    address: str
    components: tuple[str, ...] | None = None  # a confirmation's choice; None: everything
    expires_at: datetime | None = None  # None: never


def address_digest(address: str) -> str:
    return hashlib.sha256(address.encode()).hexdigest()[:24]


def sign(secret: bytes, claims: LinkClaims) -> str:
    body: dict[str, Any] = {
        "s": claims.subscriber_id,
        "p": claims.purpose,
        "a": address_digest(claims.address),
    }
    if claims.components is not None:
        body["c"] = list(claims.components)
    if claims.expires_at is not None:
        body["e"] = int(claims.expires_at.timestamp())
    text = _b64(json.dumps(body, separators=(",", ":"), sort_keys=True).encode())
    return f"{text}.{_mac(secret, text)}"


@dataclass(frozen=True, slots=True)
class Verified:
    """A genuine, unexpired token's claims; the address is known only as a digest,
    which the caller compares with the subscriber's (`matches`)."""

    subscriber_id: int
    purpose: str
    digest: str
    components: tuple[str, ...] | None

    def matches(self, address: str) -> bool:
        return hmac.compare_digest(self.digest, address_digest(address))


def verify(secret: bytes, token: str, purpose: str, now: datetime) -> Verified | None:
    """The claims of `token` if it is genuine, for `purpose`, and not expired."""
    if len(token) > MAX_TOKEN or not token.isascii() or token.count(".") != 1:
        return None
    text, mac = token.split(".")
    if not hmac.compare_digest(mac, _mac(secret, text)):
        return None
    body = _claims(text)
    if body is None or body.get("p") != purpose or purpose not in _PURPOSES:
        return None
    expires = body.get("e")
    if expires is not None and (not isinstance(expires, int) or now >= _at(expires)):
        return None
    return _verified(body)


def _verified(body: dict[str, Any]) -> Verified | None:
    sid, digest, chosen = body.get("s"), body.get("a"), body.get("c")
    if not isinstance(sid, int) or not isinstance(digest, str):
        return None
    if chosen is not None and not (
        isinstance(chosen, list) and all(isinstance(c, str) for c in chosen)
    ):
        return None
    return Verified(sid, str(body["p"]), digest, None if chosen is None else tuple(chosen))


def _claims(text: str) -> dict[str, Any] | None:
    try:
        body = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None
    return body if isinstance(body, dict) else None


def _at(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _mac(secret: bytes, text: str) -> str:
    return _b64(hmac.new(secret, text.encode(), hashlib.sha256).digest())
