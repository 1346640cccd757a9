"""Errors render in one place: branded HTML pages, JSON under /api/."""

from __future__ import annotations

import pytest

from tests.app_client import Client
from tests.web.pages import fetch, one, text_of


async def test_an_unknown_path_is_a_branded_404_page(client: Client) -> None:
    response = await client.get("/no/such/page")
    assert response.status == 404
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    soup = await fetch(client, "/no/such/page", status=404)
    assert text_of(one(soup, "h1")) == "Page not found"
    assert one(soup, "a.brand").get_text(strip=True) == "Acme Status"
    assert soup.find("a", href="/") is not None


async def test_errors_under_api_are_json(client: Client) -> None:
    response = await client.get("/api/v2/nothing.json")
    assert response.status == 404
    assert await response.json() == {
        "error": {"status": 404, "message": "There is no page at this address."}
    }


async def test_an_unexpected_error_is_a_500_page_that_gives_nothing_away(
    client: Client, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def explode(*_: object) -> object:
        raise RuntimeError("secret internals")

    monkeypatch.setattr("statuspage.web.views.home_page", explode)
    response = await client.get("/")
    body = await response.text()
    assert response.status == 500
    assert "Something went wrong" in body
    assert "secret internals" not in body
    assert response.headers["Cache-Control"] == "no-store"
    assert "secret internals" in caplog.text  # logged with its traceback


async def test_a_wrong_method_is_a_405_page_that_says_what_is_allowed(client: Client) -> None:
    response = await client.post("/")
    assert response.status == 405
    assert "GET" in response.headers["Allow"]
    assert "Method not allowed" in await response.text()


async def test_error_pages_may_be_cached_briefly_but_failures_not_at_all(client: Client) -> None:
    assert (await client.get("/nope")).headers["Cache-Control"] == "public, max-age=30"
