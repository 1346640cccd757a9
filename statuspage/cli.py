"""The `statuspage` command line: parse arguments and dispatch to a command module.

Exit status 2 means a usage or configuration error, as argparse already does.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from types import ModuleType

from statuspage.commands import check, db, demo, demo_target, reload, service, tokens, users
from statuspage.config import ConfigError
from statuspage.service.startup import StartupError

EXIT_USAGE = 2

# command name -> module with add_parser(subparsers) and run(args) -> exit status
COMMAND_MODULES: tuple[ModuleType, ...] = (
    check,
    service,
    demo,
    db,
    reload,
    demo_target,
    users,
    tokens,
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="statuspage", description="Synthetic monitoring and a public status page."
    )
    parser.add_argument(
        "--config",
        metavar="FILE",
        help="configuration file (default: $STATUSPAGE_CONFIG or ./statuspage.toml)",
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in COMMAND_MODULES:
        module.add_parser(subparsers)
    for name, sub in subparsers.choices.items():
        sub.set_defaults(handler=_handler_for(name))
        # Accept --config after the command too (`statuspage check --config f.toml`).
        sub.add_argument(
            "--config", metavar="FILE", default=argparse.SUPPRESS, help="configuration file"
        )
    return parser


def _handler_for(name: str) -> ModuleType:
    for module in COMMAND_MODULES:
        if name in getattr(module, "COMMANDS", (module.__name__.rsplit(".", 1)[-1],)):
            return module
    raise LookupError(name)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        status: int = args.handler.run(args)
    except ConfigError as exc:
        print(f"statuspage: configuration error\n{exc}", file=sys.stderr)
        return EXIT_USAGE
    except StartupError as exc:
        print(f"statuspage: cannot start: {exc}", file=sys.stderr)
        return 1
    return status
