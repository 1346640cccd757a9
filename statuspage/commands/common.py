"""What every command shares: finding and loading the settings."""

from __future__ import annotations

import argparse
import os
from collections.abc import Mapping
from typing import TypeAlias

from statuspage.config import Settings, config_path_from, load_settings

# argparse's subparsers action is generic only to type checkers.
Subparsers: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


def load(args: argparse.Namespace, overrides: Mapping[str, str] | None = None) -> Settings:
    """Settings from --config (or $STATUSPAGE_CONFIG), with extra environment overrides."""
    environ = dict(os.environ) | dict(overrides or {})
    return load_settings(config_path_from(getattr(args, "config", None), environ), environ)
