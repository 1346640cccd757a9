"""API tokens in the admin area: create (shown once), list, revoke."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from aiohttp import web

from statuspage import keys
from statuspage.admin.forms import form_text
from statuspage.admin.pages import Chrome, chrome, render, see_other
from statuspage.admin.state import ADMIN, USER
from statuspage.http.form_body import posted_form
from statuspage.presentation.display import TimeText, time_text
from storage.accounts.tokens import TokenError, TokenView, create_token, list_tokens, revoke_token


@dataclass(frozen=True, slots=True)
class TokenRow:
    id: int
    name: str
    prefix: str
    created_by: str | None
    created: TimeText
    last_used: TimeText | None
    revoked: TimeText | None


@dataclass(frozen=True, slots=True)
class TokensPage:
    """Context of admin/tokens.html. `new_token` is set only in the response to
    creating one: the only time the token is ever shown."""

    chrome: Chrome
    tokens: tuple[TokenRow, ...]
    new_token: str | None
    new_token_name: str | None
    name: str  # as typed, when refused
    error: str | None


async def tokens_page(
    request: web.Request,
    *,
    new: tuple[TokenView, str] | None = None,
    name: str = "",
    error: str | None = None,
    status: int = 200,
) -> web.Response:
    tz = request.app[keys.SETTINGS].current.tz
    rows = tuple(_token_row(t, tz) for t in await list_tokens(request.app[keys.DATABASE]))
    page = TokensPage(
        chrome=await chrome(request, "API tokens"),
        tokens=rows,
        new_token=None if new is None else new[1],
        new_token_name=None if new is None else new[0].name,
        name=name,
        error=error,
    )
    return render(request, "admin/tokens.html", page, status)


def _token_row(token: TokenView, tz: ZoneInfo) -> TokenRow:
    return TokenRow(
        id=token.id,
        name=token.name,
        prefix=token.prefix,
        created_by=token.created_by,
        created=time_text(token.created_at, tz),
        last_used=None if token.last_used_at is None else time_text(token.last_used_at, tz),
        revoked=None if token.revoked_at is None else time_text(token.revoked_at, tz),
    )


async def tokens(request: web.Request) -> web.Response:
    return await tokens_page(request)


async def create_token_view(request: web.Request) -> web.Response:
    name = form_text(await posted_form(request), "name", 200)
    state, user = request.app[ADMIN], request[USER]
    try:
        created = await create_token(
            request.app[keys.DATABASE], name, created_by=user.name, now=state.clock()
        )
    except TokenError as error:
        return await tokens_page(request, name=name, error=str(error), status=400)
    # Not POST-redirect-GET on purpose: the token must be shown once and never
    # stored, so it can only travel in this response (sent with no-store).
    return await tokens_page(request, new=created, status=201)


async def revoke_token_view(request: web.Request) -> web.Response:
    state, user = request.app[ADMIN], request[USER]
    try:
        await revoke_token(
            request.app[keys.DATABASE],
            request.match_info["token_id"],
            actor=user.name,
            now=state.clock(),
        )
    except TokenError as error:
        return await tokens_page(request, error=str(error), status=400)
    return see_other("/admin/tokens?done=revoked")
