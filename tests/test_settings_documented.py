"""Every setting the program reads is in the README's configuration tables, and every
key those tables name is one the program reads: documentation cannot promise a
setting that does not exist, and a new setting cannot go undocumented."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import BaseModel

from statuspage.config import CONFIG_VARIABLE, ENV_OVERRIDES
from statuspage.settings_model import (
    AlertingSettings,
    AlertRuleSettings,
    ChannelSettings,
    ComponentSettings,
    LoggingSettings,
    MetricSettings,
    MetricSourceSettings,
    ProbeSettings,
    RouteSettings,
    ServerSettings,
    SiteSettings,
    SmtpSettings,
    StorageSettings,
    SubscriberSettings,
)

README = Path(__file__).resolve().parent.parent / "README.md"
# The README heading of each section, and the models whose keys its tables list.
SECTIONS: dict[str, tuple[type[BaseModel], ...]] = {
    "`[site]`": (SiteSettings,),
    "`[server]`": (ServerSettings,),
    "`[storage]`": (StorageSettings,),
    "`[probes]` — defaults for every component": (ProbeSettings,),
    "`[logging]`": (LoggingSettings,),
    "`[[components]]`": (ComponentSettings,),
    "`[alerting]` and `[[alerts]]`": (AlertingSettings, AlertRuleSettings),
    "`[[channels]]`, `[smtp]` and `[[routes]]`": (ChannelSettings, SmtpSettings, RouteSettings),
    "`[subscribers]`": (SubscriberSettings,),
    "`[[metric_sources]]` and `[[metrics]]`": (MetricSourceSettings, MetricSettings),
}


def setting_names(model: type[BaseModel]) -> set[str]:
    """The keys as written in the file (`from`, not the field's `from_`)."""
    return {field.alias or name for name, field in model.model_fields.items()}


def documented_keys(heading: str) -> set[str]:
    """Backticked names in the first column of the section's tables (`a.b` counts as a)."""
    text = README.read_text("utf-8")
    body = text.split(f"### {heading}\n", 1)[1].split("\n#", 1)[0]
    keys = set()
    for line in body.splitlines():
        cells = line.split("|")
        if line.startswith("| `") and len(cells) > 2:
            keys |= {k.split(".")[0] for k in re.findall(r"`([a-z0-9_.]+)`", cells[1])}
    return keys


@pytest.mark.parametrize("heading", SECTIONS)
def test_every_setting_is_documented(heading: str) -> None:
    fields = {name for model in SECTIONS[heading] for name in setting_names(model)}
    assert fields - documented_keys(heading) == set()


@pytest.mark.parametrize("heading", SECTIONS)
def test_every_documented_setting_exists(heading: str) -> None:
    fields = {name for model in SECTIONS[heading] for name in setting_names(model)}
    assert documented_keys(heading) - fields == set()


def test_the_environment_overrides_listed_are_the_ones_read() -> None:
    text = README.read_text("utf-8")
    section = text.split("### Environment overrides\n", 1)[1].split("\n#", 1)[0]
    listed = set(re.findall(r"`(STATUSPAGE_[A-Z_]+)`", section))
    assert listed == set(ENV_OVERRIDES) | {CONFIG_VARIABLE}
