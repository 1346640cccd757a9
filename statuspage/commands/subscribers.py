"""`statuspage subscribers export|erase ADDRESS`: a subscriber's data on request (GDPR
access and erasure).

`export` prints, as JSON, everything kept about the address: its subscriptions
(email, or a webhook URL given as the address) and every message queued to it.
`erase` deletes them, as the subscriber's own unsubscribe link would, and says how
many subscriptions went; the audit log records the erasure without the address.
"""

from __future__ import annotations

import argparse
import asyncio
import json

from probes.clock import system_clock
from statuspage.commands.common import Subparsers, load
from statuspage.commands.users import ACTOR, add_config_option, with_database
from statuspage.rules.subscriber_addresses import email_address
from storage.audit import add_audit
from storage.database import Database
from storage.subscribers.reads import export_address
from storage.subscribers.writes import erase_address


def add_parser(subparsers: Subparsers) -> None:
    parser = subparsers.add_parser(
        "subscribers",
        help="export or erase a subscriber's data (GDPR)",
        description="`export ADDRESS` prints everything kept about an email address (or a "
        "webhook URL) as JSON; `erase ADDRESS` deletes it. Exit status 0 (also when there "
        "was nothing), 2 usage or config error.",
    )
    actions = parser.add_subparsers(dest="subscribers_action", required=True, metavar="ACTION")
    for name, text in (
        ("export", "print what is kept about ADDRESS as JSON"),
        ("erase", "delete ADDRESS's subscriptions and messages"),
    ):
        action = actions.add_parser(name, help=text)
        action.add_argument("address", metavar="ADDRESS", help="an email address or webhook URL")
        add_config_option(action)


def run(args: argparse.Namespace) -> int:
    settings = load(args)
    address = stored_form(args.address)
    work = _export if args.subscribers_action == "export" else _erase
    return asyncio.run(with_database(settings, lambda db: work(db, address)))


def stored_form(address: str) -> str:
    """Email addresses are kept in lower case; anything else as given."""
    return email_address(address) or address.strip()


async def _export(db: Database, address: str) -> int:
    found = await export_address(db, address)
    print(json.dumps({"address": address, "subscriptions": found}, indent=2, ensure_ascii=False))
    return 0


async def _erase(db: Database, address: str) -> int:
    erased = await erase_address(db, address)
    if erased:
        await add_audit(
            db,
            actor=ACTOR,
            action="subscriber.erase",
            target=None,
            at=system_clock(),
            after={"subscriptions": erased},
        )
    print(f"erased {erased} subscription{'s' if erased != 1 else ''} and their messages")
    return 0
