"""Builders and small actions for admin tests: settings, users, signing in, forms."""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from aiohttp import ClientResponse
from argon2 import PasswordHasher

from statuspage.config import Settings, load_settings
from storage.accounts.tokens import create_token
from storage.accounts.users import add_user
from storage.database import Database
from tests.app_client import Client

NOW = datetime(2026, 3, 2, 11, 0, tzinfo=UTC)  # a Monday, 12:00 in Berlin
PASSWORD = "correct horse battery staple"
# Real argon2id at its cheapest: a stored hash carries its own parameters, so
# sign-in checks against it cost microseconds instead of tens of milliseconds.
CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')

SERVER = """
[server]
secret_key = "test-secret-key-0123456789-abcdefghijklmnop"
"""
SITE = (
    """
[site]
name = "Acme Status"
url = "http://status.acme.test"
time_zone = "Europe/Berlin"
"""
    + SERVER
    + """
[storage]
url = "sqlite:///page.db"

[[components]]
id = "api"
name = "API"
group = "Platform"

[[components]]
id = "web"
name = "Website"
"""
)


@dataclass
class Clock:
    now: datetime = field(default=NOW)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def write_config(tmp_path: Path, text: str = SITE) -> Path:
    path = tmp_path / "statuspage.toml"
    path.write_text(text, "utf-8")
    return path


def settings_for(tmp_path: Path, text: str = SITE) -> Settings:
    return load_settings(write_config(tmp_path, text), {})


async def add_test_user(db: Database, name: str, password: str = PASSWORD) -> None:
    await add_user(db, name, CHEAP_HASHER.hash(password), now=NOW, actor="test")


async def add_test_token(db: Database, name: str = "deploys") -> str:
    _, token = await create_token(db, name, created_by="test", now=NOW)
    return token


def csrf_in(html: str) -> str:
    found = _CSRF.search(html)
    assert found is not None, "no CSRF token in the page"
    return found.group(1)


async def csrf_token(client: Client, path: str = "/admin") -> str:
    response = await client.get(path)
    assert response.status == 200, response.status
    return csrf_in(await response.text())


def same_site(client: Client) -> dict[str, str]:
    """The Origin a browser sends for a form on this site."""
    return {"Origin": str(client.make_url("/")).rstrip("/")}


async def sign_in(
    client: Client,
    name: str,
    password: str,
    *,
    next_path: str | None = None,
    headers: dict[str, str] | None = None,
) -> ClientResponse:
    token = await csrf_token(client, "/admin/sign-in")
    form = {"user_name": name, "password": password, "csrf_token": token}
    if next_path is not None:
        form["next"] = next_path
    return await client.post(
        "/admin/sign-in",
        data=form,
        headers=same_site(client) | (headers or {}),
        allow_redirects=False,
    )


async def post_form(
    client: Client, path: str, form: dict[str, Any] | list[tuple[str, str]], **kwargs: Any
) -> ClientResponse:
    """Post a form as the browser would: with the session's token, from this site."""
    token = await csrf_token(client)
    fields = list(form.items()) if isinstance(form, dict) else list(form)
    return await client.post(
        path,
        data=[*fields, ("csrf_token", token)],
        headers=same_site(client),
        allow_redirects=False,
        **kwargs,
    )


def incident_form(**overrides: str) -> dict[str, str]:
    fields = {
        "name": "Checkout is failing",
        "severity": "P1",
        "impact": "auto",
        "status": "investigating",
        "body": "We are **investigating** failed payments.",
        "component.api": "major_outage",
        "action": "publish",
    }
    return fields | overrides


async def open_incident(client: Client, **overrides: str) -> int:
    response = await post_form(client, "/admin/incidents", incident_form(**overrides))
    assert response.status == 303, await response.text()
    return incident_id_from(response.headers["Location"])


def incident_id_from(location: str) -> int:
    found = re.match(r"^/admin/incidents/(\d+)", location)
    assert found is not None, location
    return int(found.group(1))


async def raw_request(
    client: Client, method: str, raw_path: str, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str]]:
    """Send the path exactly as written: no client normalises it on the way."""
    server = client.server
    reader, writer = await asyncio.open_connection(server.host, server.port)
    lines = [f"{method} {raw_path} HTTP/1.1", f"Host: {server.host}:{server.port}"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    writer.write(("\r\n".join([*lines, "Content-Length: 0", "Connection: close", "", ""])).encode())
    await writer.drain()
    head = (await reader.read()).split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
    writer.close()
    await writer.wait_closed()
    status = int(head[0].split()[1])
    return status, {k.lower(): v for k, v in (line.split(": ", 1) for line in head[1:])}
