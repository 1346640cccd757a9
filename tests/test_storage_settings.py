"""`[storage]` timeouts: defaults, validation, and how they reach the engine."""

from __future__ import annotations

from pathlib import Path

import pytest

from statuspage.config import ConfigError, load_settings
from statuspage.service.reload import restart_only_changes
from statuspage.service.startup import database_timeouts
from storage.engine import Timeouts


def settings_from(tmp_path: Path, storage: str) -> Path:
    path = tmp_path / "statuspage.toml"
    path.write_text(f'[storage]\nurl = "sqlite:///status.db"\n{storage}\n')
    return path


def test_the_timeouts_default_to_a_few_seconds(tmp_path: Path) -> None:
    settings = load_settings(settings_from(tmp_path, ""), {})
    assert database_timeouts(settings) == Timeouts(connect_s=5, statement_s=5)


def test_configured_timeouts_reach_the_database(tmp_path: Path) -> None:
    path = settings_from(tmp_path, "connect_timeout_s = 2.5\nstatement_timeout_s = 30")
    assert database_timeouts(load_settings(path, {})) == Timeouts(connect_s=2.5, statement_s=30)


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("connect_timeout_s = 0", "storage.connect_timeout_s: Input should be greater than 0"),
        ("connect_timeout_s = 600", "storage.connect_timeout_s: Input should be less than or"),
        ('statement_timeout_s = "5"', "storage.statement_timeout_s: Input should be a valid"),
        ("statement_timeout_s = -1", "storage.statement_timeout_s: Input should be greater"),
    ],
)
def test_a_timeout_that_cannot_work_is_refused_by_name(
    tmp_path: Path, line: str, problem: str
) -> None:
    with pytest.raises(ConfigError) as refused:
        load_settings(settings_from(tmp_path, line), {})
    assert problem in str(refused.value)


def test_a_reload_that_changes_a_timeout_says_it_needs_a_restart(tmp_path: Path) -> None:
    old = load_settings(settings_from(tmp_path, ""), {})
    new = load_settings(settings_from(tmp_path, "statement_timeout_s = 9"), {})
    assert restart_only_changes(old, new) == ["storage.statement_timeout_s"]
