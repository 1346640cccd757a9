"""`[probes] lease_s` and `stale_after_s`: read, defaulted, and refused out of range with
the file and the key named, both at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from statuspage.config import ConfigError, load_settings


def write(tmp_path: Path, probes: str) -> Path:
    path = tmp_path / "statuspage.toml"
    path.write_text(f"[probes]\n{probes}\n", "utf-8")
    return path


def test_by_default_the_lease_is_15_s_and_staleness_follows_each_interval(tmp_path: Path) -> None:
    probes = load_settings(write(tmp_path, ""), {}).file.probes
    assert (probes.lease_s, probes.stale_after_s) == (15, None)


def test_both_can_be_set(tmp_path: Path) -> None:
    probes = load_settings(write(tmp_path, "lease_s = 6\nstale_after_s = 120"), {}).file.probes
    assert (probes.lease_s, probes.stale_after_s) == (6, 120)


def test_out_of_range_values_are_refused_together_naming_file_and_key(tmp_path: Path) -> None:
    path = write(tmp_path, 'lease_s = 1\nstale_after_s = "soon"')
    with pytest.raises(ConfigError) as refused:
        load_settings(path, {})
    message = str(refused.value)
    assert str(path) in message
    assert "probes.lease_s" in message
    assert "probes.stale_after_s" in message
