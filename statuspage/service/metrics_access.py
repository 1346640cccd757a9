"""Who may read `/metrics`: anyone, unless `[server] metrics_token` is set; then only a
request carrying it as a bearer token (what Prometheus's `authorization` scrape
setting sends).

The figures are operational, not secret, but they tell an outsider which rules fire,
how many sign-ins failed and how busy the server is: a page on the open internet
sets the token."""

from __future__ import annotations

import hmac

from aiohttp import web

from statuspage.rules.bearer import bearer_token

# Live figures: no cache between the server and its scraper may keep them.
NO_STORE = {"Cache-Control": "no-store"}


def may_read_metrics(authorization: str | None, token: str | None) -> bool:
    if token is None:
        return True
    given = bearer_token(authorization)
    # compare_digest on bytes: its time does not reveal how much of the token matched,
    # and a non-ASCII header value is just a wrong one.
    return given is not None and hmac.compare_digest(
        given.encode("utf-8", "surrogateescape"), token.encode()
    )


def metrics_refused() -> web.Response:
    return web.Response(
        status=401,
        text="401: /metrics needs the bearer token set as server.metrics_token\n",
        headers={**NO_STORE, "WWW-Authenticate": 'Bearer realm="metrics"'},
    )
