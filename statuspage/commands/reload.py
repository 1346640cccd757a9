"""`statuspage reload`: ask running processes to re-read their configuration."""

from __future__ import annotations

import argparse
import signal
import sys

from statuspage.commands.common import Subparsers
from statuspage.config import config_path_from
from statuspage.service.pidfiles import signal_processes


def add_parser(subparsers: Subparsers) -> None:
    subparsers.add_parser(
        "reload",
        help="make running processes re-read the configuration (same as SIGHUP)",
        description="Send SIGHUP to every running statuspage process started with this "
        "config file. A bad new configuration is refused (logged) and the old one kept.",
    )


def run(args: argparse.Namespace) -> int:
    import os

    path = config_path_from(getattr(args, "config", None), os.environ)
    pids = signal_processes(path, signal.SIGHUP)
    if not pids:
        print(f"no running statuspage process uses {path}", file=sys.stderr)
        return 1
    print(f"asked {len(pids)} process(es) to reload: {', '.join(map(str, pids))}")
    return 0
