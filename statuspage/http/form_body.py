"""A request's form, or a 400: the one place that calls `request.post()`.

Every form the app takes goes through `posted_form`: the admin guard's CSRF check
(which reads the token from the form for every non-GET admin request), the admin
forms, sign-in and the public subscribe forms. `tests/test_form_reading.py`
holds that no other module calls `request.post()`.

A body that cannot be read as a form is the client's fault and is answered 400
with a short page, before anything is read from or written to the database: a
charset nobody knows or bytes that are not in it (`LookupError`,
`UnicodeDecodeError`), or a multipart body. Multipart is refused whole, even
well-formed: every form on the site is sent urlencoded, and the body deadline
(`statuspage.http.limits`) has already read the body, so aiohttp's multipart
reader would find its stream empty.
"""

from __future__ import annotations

from aiohttp import web
from multidict import MultiDictProxy

from statuspage.http.errors import PageError

Form = MultiDictProxy[str | bytes | bytearray | web.FileField]  # aiohttp's own field types
MESSAGE = (
    "The form could not be read. Send it from this site's own page "
    "(application/x-www-form-urlencoded, in UTF-8)."
)


async def posted_form(request: web.Request) -> Form:
    """The request's form fields (empty for a body of another type); a `PageError(400)`
    when the body claims to be a form that cannot be read. aiohttp keeps the parsed
    form, so the guard and the handler reading it both cost one parse."""
    if request.content_type == "multipart/form-data":
        raise PageError(400, MESSAGE)
    try:
        return await request.post()
    except (ValueError, LookupError):  # UnicodeDecodeError is a ValueError
        raise PageError(400, MESSAGE) from None
