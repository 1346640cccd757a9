"""`statuspage demo-target`: serve only the simulated application's health endpoints."""

from __future__ import annotations

import argparse

from aiohttp import web

from statuspage.commands.common import Subparsers
from statuspage.simulated_app import create_demo_target


def add_parser(subparsers: Subparsers) -> None:
    parser = subparsers.add_parser(
        "demo-target",
        help="serve the simulated application's three health endpoints",
        description="Serve /api/health/{system,database,external} with realistic bodies, "
        "latencies and occasional failures, for trying the probes out.",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)


def run(args: argparse.Namespace) -> int:
    web.run_app(create_demo_target(), host=args.host, port=args.port, print=None)
    return 0
