"""`[probes] shard` / `statuspage probe --shard K/N`: every component in exactly one shard."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import pytest

from statuspage.config import ConfigError, load_settings
from statuspage.service.shards import components_to_probe, in_shard
from statuspage.shard import Shard, parse_shard


class Named(NamedTuple):
    id: str  # all that shards read of a component


IDS = [f"component-{i}" for i in range(600)]


@pytest.mark.parametrize("text", ["1/1", "2/3", "1000/1000"])
def test_a_shard_is_written_k_of_n(text: str) -> None:
    assert str(parse_shard(text)) == text


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("0/2", "the shard must be 1 to 2"),
        ("3/2", "the shard must be 1 to 2"),
        ("1/0", "the number of shards must be 1 to 1000"),
        ("1/1001", "the number of shards must be 1 to 1000"),
        ("1-2", "is not K/N"),
        ("a/b", "is not K/N"),
        ("", "is not K/N"),
    ],
)
def test_a_bad_shard_is_refused_with_the_reason(text: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        parse_shard(text)


@pytest.mark.parametrize("total", [1, 2, 3, 7])
def test_every_component_is_in_exactly_one_shard_and_shards_are_even(total: int) -> None:
    components = [Named(i) for i in IDS]
    shares = [in_shard(components, Shard(n, total)) for n in range(1, total + 1)]
    held = [c.id for share in shares for c in share]
    assert sorted(held) == sorted(IDS)
    fair = len(IDS) / total
    assert all(0.75 * fair <= len(share) <= 1.25 * fair for share in shares)


def test_a_component_keeps_its_shard_when_others_come_and_go() -> None:
    everyone = [Named(i) for i in IDS]
    first_half = everyone[:300]
    for shard in (Shard(1, 3), Shard(2, 3), Shard(3, 3)):
        kept = {c.id for c in in_shard(everyone, shard)}
        assert {c.id for c in in_shard(first_half, shard)} == kept & set(IDS[:300])


def write(tmp_path: Path, probes: str) -> Path:
    blocks = "".join(
        f'[[components]]\nname = "C{i}"\nurl = "http://127.0.0.1:9/{i}"\nsla_ms = 100\n'
        for i in range(40)
    )
    path = tmp_path / "statuspage.toml"
    path.write_text(f"[probes]\n{probes}\n{blocks}")
    return path


def test_the_configured_shard_picks_the_components_to_probe(tmp_path: Path) -> None:
    halves = [
        {c.id for c in components_to_probe(load_settings(write(tmp_path, f'shard = "{k}/2"'), {}))}
        for k in (1, 2)
    ]
    everyone = {c.id for c in load_settings(write(tmp_path, ""), {}).components}
    assert halves[0] | halves[1] == everyone
    assert not halves[0] & halves[1]
    assert halves[0]
    assert halves[1]


def test_the_shard_comes_from_the_environment(tmp_path: Path) -> None:
    settings = load_settings(write(tmp_path, ""), {"STATUSPAGE_SHARD": "2/4"})
    assert settings.file.probes.shard == Shard(2, 4)


def test_a_bad_shard_in_the_file_stops_start_up_naming_it(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(write(tmp_path, 'shard = "3/2"'), {})
    message = str(caught.value)
    assert "statuspage.toml" in message
    assert "probes.shard" in message
    assert "the shard must be 1 to 2" in message
