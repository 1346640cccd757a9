"""`statuspage notify test CHANNEL`: send a test message through one channel, now,
and print what the receiver answered.

It goes straight to the channel, not through the outbox, so it works before the
database exists; nothing is retried. Exit status 1 when the channel failed.
"""

from __future__ import annotations

import argparse
import asyncio
import sys

from probes.clock import system_clock
from statuspage.commands.common import Subparsers, load
from statuspage.commands.users import add_config_option
from statuspage.config import Settings

EXIT_FAILED = 1


def add_parser(subparsers: Subparsers) -> None:
    parser = subparsers.add_parser(
        "notify",
        help="send a test message through a notification channel",
        description="`notify test CHANNEL` sends a test message through the channel named "
        "in [[channels]] and prints what the receiver answered. Exit status: 0 delivered, "
        "1 the channel failed, 2 usage or config error.",
    )
    actions = parser.add_subparsers(dest="notify_action", required=True, metavar="ACTION")
    test = actions.add_parser("test", help="send a test message and print the answer")
    test.add_argument("channel", metavar="CHANNEL", help="a [[channels]] name")
    add_config_option(test)


def run(args: argparse.Namespace) -> int:
    settings = load(args)
    return asyncio.run(_test(settings, args.channel))


async def _test(settings: Settings, name: str) -> int:
    # Imported here: every command module is imported to build the parser.
    from statuspage.notify.channels.base import DeliveryError, Outside, open_channel_threads
    from statuspage.notify.message import Message, Site, testing_payload
    from statuspage.notify.sender import build, open_http, scrub, send
    from storage.vocabulary import NotificationEvent

    notify = settings.notify
    config = notify.channel(name)
    if config is None:
        known = ", ".join(c.name for c in notify.channels) or "none configured"
        print(f"statuspage: no channel named {name!r} (channels: {known})", file=sys.stderr)
        return EXIT_FAILED
    site = Site(settings.file.site.name, settings.file.site.url)
    now = system_clock()
    message = Message(
        None, name, NotificationEvent.TEST, None, None, testing_payload(site, name, now)
    )
    http, threads = open_http(), open_channel_threads()
    outside = Outside(http, notify.smtp, system_clock, site, threads=threads)
    try:
        answer = await send(build(config, outside), message)
    except DeliveryError as error:
        kind = "permanent" if error.permanent else "temporary"
        reason = scrub(error.reason, notify.secrets())
        print(f"{name} ({config.kind}): failed ({kind}): {reason}", file=sys.stderr)
        return EXIT_FAILED
    finally:
        await http.close()
        threads.shutdown(wait=False, cancel_futures=True)
    print(f"{name} ({config.kind}): {scrub(answer, notify.secrets())}")
    return 0
