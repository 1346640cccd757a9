"""The `statuspage` command line: parse arguments and dispatch to a command module.

Commands are found, not listed: every module in `statuspage.commands` that
defines both `add_parser(subparsers)` and `run(args) -> int` is a command, and
each sub-parser its `add_parser` adds runs that module's `run`. A new command is
one new file; none can be left out of the parser by forgetting a list.

Exit status 2 means a usage or configuration error, as argparse already does.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from statuspage import commands
from statuspage.commands.common import Subparsers
from statuspage.config import ConfigError
from statuspage.service.startup import StartupError

EXIT_USAGE = 2


@dataclass(frozen=True, slots=True)
class CommandModule:
    """One module of `statuspage.commands` that adds sub-commands and runs them."""

    name: str  # the module's dotted name
    add_parser: Callable[[Subparsers], None]
    run: Callable[[argparse.Namespace], int]


def command_modules() -> tuple[CommandModule, ...]:
    """Every command module, in module-name order (so `--help` lists them stably)."""
    found: list[CommandModule] = []
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda i: i.name):
        module = importlib.import_module(f"{commands.__name__}.{info.name}")
        add_parser, run = getattr(module, "add_parser", None), getattr(module, "run", None)
        if add_parser is None and run is None:
            continue  # a helper module, such as `common`
        if not (callable(add_parser) and callable(run)):
            raise TypeError(f"{module.__name__} must define both add_parser and run")
        found.append(CommandModule(module.__name__, add_parser, run))
    return tuple(found)


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
    for module in command_modules():
        before = set(subparsers.choices)
        module.add_parser(subparsers)
        for name in sorted(set(subparsers.choices) - before):
            _wire(subparsers.choices[name], module)
    return parser


def _wire(sub: argparse.ArgumentParser, module: CommandModule) -> None:
    sub.set_defaults(handler=module.run)
    # Accept --config after the command too (`statuspage check --config f.toml`).
    sub.add_argument(
        "--config", metavar="FILE", default=argparse.SUPPRESS, help="configuration file"
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        status: int = args.handler(args)
    except ConfigError as exc:
        print(f"statuspage: configuration error\n{exc}", file=sys.stderr)
        return EXIT_USAGE
    except StartupError as exc:
        print(f"statuspage: cannot start: {exc}", file=sys.stderr)
        return 1
    return status
