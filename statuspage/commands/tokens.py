"""`statuspage token create|list|revoke`: API tokens for the write API.

`create` prints the token alone on standard output (so a script can capture
it) and a note on standard error; the token is never shown again, because only
its SHA-256 hash is stored.
"""

from __future__ import annotations

import argparse
import asyncio
import sys

from probes.clock import system_clock
from statuspage.commands.common import Subparsers, load
from statuspage.commands.users import ACTOR, add_config_option, fail, with_database
from storage.accounts.tokens import TokenError, TokenView, create_token, list_tokens, revoke_token
from storage.database import Database


def add_parser(subparsers: Subparsers) -> None:
    parser = subparsers.add_parser(
        "token",
        help="create, list or revoke API tokens for the write API",
        description="Scripts send `Authorization: Bearer <token>` to /api/admin/.",
    )
    actions = parser.add_subparsers(dest="token_action", required=True, metavar="ACTION")
    create = actions.add_parser("create", help="create a token and print it (once)")
    create.add_argument("name", help="what will use it, e.g. deploy-pipeline")
    actions.add_parser("list", help="list tokens (never the tokens themselves)")
    revoke = actions.add_parser("revoke", help="revoke a token by id or name")
    revoke.add_argument("token", metavar="ID|NAME")
    for action in actions.choices.values():
        add_config_option(action)


def run(args: argparse.Namespace) -> int:
    settings = load(args)
    work = {"create": _create, "list": _list, "revoke": _revoke}[args.token_action]
    return asyncio.run(with_database(settings, lambda db: work(db, args)))


async def _create(db: Database, args: argparse.Namespace) -> int:
    try:
        view, token = await create_token(db, args.name, created_by=ACTOR, now=system_clock())
    except TokenError as error:
        return fail(str(error))
    print(token)
    print(
        f"created token {view.id} ({view.name}); it is shown only this once",
        file=sys.stderr,
    )
    return 0


async def _list(db: Database, args: argparse.Namespace) -> int:
    tokens = await list_tokens(db)
    if not tokens:
        print("(no tokens: create one with `statuspage token create NAME`)")
    for token in tokens:
        print(_row(token))
    return 0


def _row(token: TokenView) -> str:
    used = "never" if token.last_used_at is None else f"{token.last_used_at:%Y-%m-%d %H:%M}"
    state = "active" if token.revoked_at is None else f"revoked {token.revoked_at:%Y-%m-%d}"
    created = f"{token.created_at:%Y-%m-%d %H:%M}"
    return f"{token.id}\t{token.name}\t{token.prefix}…\tcreated {created}\tused {used}\t{state}"


async def _revoke(db: Database, args: argparse.Namespace) -> int:
    try:
        view = await revoke_token(db, args.token, actor=ACTOR, now=system_clock())
    except TokenError as error:
        return fail(str(error))
    print(f"revoked token {view.id} ({view.name})")
    return 0
