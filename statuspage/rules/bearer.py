"""The token of an `Authorization: Bearer <token>` header (RFC 6750): the one reading
of it, for the write API's guard and for `/metrics`. Pure."""

from __future__ import annotations


def bearer_token(authorization: str | None) -> str | None:
    """The token, or None when the header is missing, of another scheme, or empty.
    The scheme is case-insensitive; spaces around the token are not part of it."""
    scheme, _, credentials = (authorization or "").strip().partition(" ")
    token = credentials.strip()
    return token if scheme.lower() == "bearer" and token else None
