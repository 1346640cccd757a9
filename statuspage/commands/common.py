"""What every command shares: finding and loading the settings."""

from __future__ import annotations

import argparse
import os
from typing import TypeAlias

from statuspage.config import Settings, config_path_from, load_settings

# argparse's subparsers action is generic only to type checkers.
Subparsers: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


def load(args: argparse.Namespace) -> Settings:
    """Settings from --config (or $STATUSPAGE_CONFIG), with the environment's overrides."""
    return load_settings(config_path_from(getattr(args, "config", None), os.environ), os.environ)
