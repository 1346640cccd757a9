"""A request's body must arrive within `server.request_body_timeout_s`.

Handlers read bodies when they need them (a sign-in form, a write-API call). A
client that announces a body and sends it a byte a minute would hold the handler,
and its connection, for as long as it liked; here the body is read up front under
a deadline, and handlers then get it from aiohttp's cache. Bodies are bounded in
size by aiohttp's `client_max_size` (1 MiB) as before.
"""

from __future__ import annotations

import asyncio

from aiohttp import web
from aiohttp.typedefs import Handler

from statuspage import keys
from statuspage.http.errors import PageError

MESSAGE = "The request's body did not arrive in time."


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
    return await handler(request)
