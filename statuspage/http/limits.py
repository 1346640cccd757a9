"""A request's body must arrive within `server.request_body_timeout_s`, and be at most
`MAX_BODY_BYTES`.

Handlers read bodies when they need them (a sign-in form, a write-API call). A
client that announces a body and sends it a byte a minute would hold the handler,
and its connection, for as long as it liked; here the body is read up front under
a deadline, and handlers then get it from aiohttp's cache. Bodies are bounded in
size by aiohttp's `client_max_size`, left at its default, `MAX_BODY_BYTES`
(tests/admin/test_write_api_body_size.py holds the two equal); a larger one is
answered 413 naming the limit (JSON in the usual error shape under /api/).
"""

from __future__ import annotations

import asyncio

from aiohttp import web
from aiohttp.typedefs import Handler

from statuspage import keys
from statuspage.http.errors import PageError

MESSAGE = "The request's body did not arrive in time."
MAX_BODY_BYTES = 1024 * 1024  # aiohttp's default; no form or write-API body comes near it
TOO_LARGE = f"The request's body is larger than the limit of {MAX_BODY_BYTES} bytes (1 MiB)."


@web.middleware
async def body_deadline(request: web.Request, handler: Handler) -> web.StreamResponse:
    if request.body_exists:
        timeout_s = request.app[keys.SETTINGS].current.file.server.request_body_timeout_s
        try:
            async with asyncio.timeout(timeout_s):
                await request.read()
        except TimeoutError:
            # The rest of the body may still be on its way: the connection cannot be
            # used for another request.
            raise PageError(408, MESSAGE, {"Connection": "close"}) from None
        except web.HTTPRequestEntityTooLarge:
            # The rest of the body, unread, is still on the connection.
            raise PageError(413, TOO_LARGE, {"Connection": "close"}) from None
    return await handler(request)
