"""`statuspage user add|list|remove|passwd`: the people who may use the admin area.

A password never comes from the command line (it would sit in the shell history
and in `ps` for everyone to read): it is asked for twice on the terminal, or
read from the first line of standard input with `--password-stdin`.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys
from collections.abc import Awaitable, Callable
from typing import TextIO

from probes.clock import system_clock
from statuspage.admin.passwords import PasswordRuleError, Passwords, check_new_password
from statuspage.commands.common import Subparsers, load
from statuspage.config import Settings
from statuspage.service.startup import (
    StartupError,
    database_timeouts,
    open_database,
    storage_errors_explained,
)
from storage.accounts.users import UserError, add_user, list_users, remove_user, set_password_hash
from storage.database import Database
from storage.migrate import current_revision, head_revision

ACTOR = "cli"  # who the audit log names for changes made from the command line
EXIT_FAILED = 1


def add_parser(subparsers: Subparsers) -> None:
    parser = subparsers.add_parser(
        "user",
        help="add, list or remove admin users, or set a password",
        description="Admin users sign in at /admin. Changing a password or removing a "
        "user ends that user's sessions at once.",
    )
    actions = parser.add_subparsers(dest="user_action", required=True, metavar="ACTION")
    add = actions.add_parser("add", help="add a user (asks for the password)")
    add.add_argument("name")
    actions.add_parser("list", help="list the users")
    remove = actions.add_parser("remove", help="remove a user and end their sessions")
    remove.add_argument("name")
    passwd = actions.add_parser("passwd", help="set a user's password, ending their sessions")
    passwd.add_argument("name")
    for action in (add, passwd):
        action.add_argument(
            "--password-stdin",
            action="store_true",
            help="read the password from the first line of standard input",
        )
    for action in actions.choices.values():
        add_config_option(action)


def add_config_option(parser: argparse.ArgumentParser) -> None:
    """`--config` after the action too (`statuspage user add alice --config f.toml`)."""
    parser.add_argument(
        "--config", metavar="FILE", default=argparse.SUPPRESS, help="configuration file"
    )


def run(args: argparse.Namespace) -> int:
    settings = load(args)
    action: Callable[[Database, argparse.Namespace], Awaitable[int]] = {
        "add": _add,
        "list": _list,
        "remove": _remove,
        "passwd": _passwd,
    }[args.user_action]
    return asyncio.run(with_database(settings, lambda db: action(db, args)))


async def with_database(settings: Settings, work: Callable[[Database], Awaitable[int]]) -> int:
    """Run `work` on the configured database, which must be at the current schema."""
    timeouts = database_timeouts(settings)
    with storage_errors_explained(settings):
        found = await current_revision(settings.database_url, timeouts=timeouts)
        wanted = head_revision()
        if found != wanted:
            raise StartupError(
                f"the database schema is at revision {found or 'none'}, this version needs "
                f"{wanted}: run `statuspage db upgrade --config {settings.source}` first"
            )
        db = open_database(settings)
        try:
            return await work(db)
        finally:
            await db.dispose()


def fail(message: str) -> int:
    print(f"statuspage: {message}", file=sys.stderr)
    return EXIT_FAILED


def read_new_password(from_stdin: bool, stdin: TextIO = sys.stdin) -> str:
    if from_stdin:
        password = stdin.readline().removesuffix("\n").removesuffix("\r")
        check_new_password(password)
        return password
    if not stdin.isatty():
        raise PasswordRuleError("no terminal to ask on: pipe the password in with --password-stdin")
    password = getpass.getpass("New password: ")
    check_new_password(password, getpass.getpass("Same password again: "))
    return password


async def _add(db: Database, args: argparse.Namespace) -> int:
    try:
        password = read_new_password(args.password_stdin)
        hashed = Passwords().hash(password)
        user = await add_user(db, args.name, hashed, now=system_clock(), actor=ACTOR)
    except (PasswordRuleError, UserError) as error:
        return fail(str(error))
    print(f"added user {user.name}")
    return 0


async def _list(db: Database, args: argparse.Namespace) -> int:
    users = await list_users(db)
    if not users:
        print("(no users: add one with `statuspage user add NAME`)")
    for user in users:
        print(f"{user.name}\tadded {user.created_at:%Y-%m-%d %H:%M} UTC")
    return 0


async def _remove(db: Database, args: argparse.Namespace) -> int:
    if not await remove_user(db, args.name, now=system_clock(), actor=ACTOR):
        return fail(f"no user {args.name!r}")
    print(f"removed user {args.name}; their sessions have ended")
    return 0


async def _passwd(db: Database, args: argparse.Namespace) -> int:
    try:
        hashed = Passwords().hash(read_new_password(args.password_stdin))
    except PasswordRuleError as error:
        return fail(str(error))
    if await set_password_hash(db, args.name, hashed, now=system_clock(), actor=ACTOR) is None:
        return fail(f"no user {args.name!r}")
    print(f"changed the password of {args.name}; their sessions have ended")
    return 0
