from __future__ import annotations

import json
from datetime import UTC, datetime
from types import SimpleNamespace

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from pytest_aiohttp import AiohttpServer

import probes.timing
from probes.assertions import parse_assertion
from probes.http import make_client_session, probe
from probes.model import ProbeStatus
from tests.probes.targets import HEALTHY as HEALTHY_BODY
from tests.probes.targets import make_check, target_app


async def test_it_reports_a_healthy_endpoint_as_up(
    session: aiohttp.ClientSession, target: TestServer
) -> None:
    result = await probe(session, make_check(target.make_url("/health")))

    assert result.status is ProbeStatus.UP
    assert result.http_status == 200
    assert result.error is None
    assert result.within_sla


async def test_it_stamps_the_start_with_the_clock_it_is_given(
    session: aiohttp.ClientSession, target: TestServer
) -> None:
    start = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)

    result = await probe(session, make_check(target.make_url("/health")), now=lambda: start)

    assert result.started_at == start


async def test_it_measures_a_100_ms_answer_as_at_least_100_ms(
    session: aiohttp.ClientSession, target: TestServer
) -> None:
    result = await probe(session, make_check(target.make_url("/slow/100")))

    assert 100 <= result.latency_ms < 100 + 400
    assert result.phases.total_ms == result.latency_ms


async def test_it_reports_an_answer_slower_than_the_sla_as_degraded(
    session: aiohttp.ClientSession, target: TestServer
) -> None:
    result = await probe(session, make_check(target.make_url("/slow/100"), sla_ms=50))

    assert result.status is ProbeStatus.DEGRADED
    assert not result.within_sla
    assert result.error is not None
    assert result.error.startswith("slower than SLA (")


async def test_it_reports_a_500_as_down(session: aiohttp.ClientSession, target: TestServer) -> None:
    result = await probe(session, make_check(target.make_url("/status/500")))

    assert result.status is ProbeStatus.DOWN
    assert result.error == "HTTP 500"
    assert result.http_status == 500


async def test_it_accepts_the_statuses_the_check_expects(
    session: aiohttp.ClientSession, target: TestServer
) -> None:
    spec = make_check(target.make_url("/status/503"), expect_status=(503,))

    assert (await probe(session, spec)).status is ProbeStatus.UP


async def test_it_reports_dependencies_even_from_a_failing_health_response(
    session: aiohttp.ClientSession, target: TestServer
) -> None:
    result = await probe(session, make_check(target.make_url("/status/503")))

    assert result.dependencies == {"database": "disconnected"}


async def test_it_records_the_dependencies_of_the_production_health_response(
    session: aiohttp.ClientSession, target: TestServer
) -> None:
    result = await probe(session, make_check(target.make_url("/health")))

    assert result.dependencies == {"database": "connected"}


async def test_it_passes_when_every_assertion_holds(
    session: aiohttp.ClientSession, target: TestServer
) -> None:
    assertions = (
        'body.status == "healthy"',
        'body.database.status == "connected"',
        "body.memory.percent < 80",
        'headers.content-type contains "json"',
        "status == 200",
    )
    spec = make_check(
        target.make_url("/health"), assertions=tuple(map(parse_assertion, assertions))
    )

    assert (await probe(session, spec)).status is ProbeStatus.UP


async def test_it_reports_a_failed_assertion_with_the_value_it_got(
    session: aiohttp.ClientSession, target: TestServer
) -> None:
    body = json.dumps({"status": "healthy", "memory": {"percent": 91.2}})
    url = target.make_url("/json").with_query(body=body)
    spec = make_check(url, assertions=(parse_assertion("body.memory.percent < 80"),))

    result = await probe(session, spec)

    assert result.status is ProbeStatus.DOWN
    assert result.error == "assertion failed: body.memory.percent < 80 (got 91.2)"


async def test_it_reports_the_first_failed_assertion_only(
    session: aiohttp.ClientSession, target: TestServer
) -> None:
    assertions = (parse_assertion("body.nope == 1"), parse_assertion("status == 201"))
    spec = make_check(target.make_url("/health"), assertions=assertions)

    result = await probe(session, spec)

    assert result.error == "assertion failed: body.nope == 1 (got missing)"


async def test_it_reports_invalid_json_when_an_assertion_needs_the_body(
    session: aiohttp.ClientSession, target: TestServer
) -> None:
    spec = make_check(target.make_url("/bad-json"), assertions=(parse_assertion("body.x == 1"),))

    result = await probe(session, spec)

    assert result.status is ProbeStatus.DOWN
    assert result.error == "invalid JSON body"


async def test_it_ignores_invalid_json_that_no_assertion_needs(
    session: aiohttp.ClientSession, target: TestServer
) -> None:
    result = await probe(session, make_check(target.make_url("/bad-json")))

    assert result.status is ProbeStatus.UP
    assert result.dependencies == {}


async def test_it_survives_json_nested_deeper_than_the_parser_can_go(
    session: aiohttp.ClientSession, target: TestServer
) -> None:
    spec = make_check(target.make_url("/deep-json"), assertions=(parse_assertion("body[0] == 1"),))

    assert (await probe(session, spec)).error == "invalid JSON body"


async def test_it_refuses_nan_as_json(session: aiohttp.ClientSession, target: TestServer) -> None:
    url = target.make_url("/json").with_query(body='{"load": NaN}')
    spec = make_check(url, assertions=(parse_assertion("body.load < 1"),))

    assert (await probe(session, spec)).error == "invalid JSON body"


async def test_it_checks_a_plain_text_body_as_text(
    session: aiohttp.ClientSession, target: TestServer
) -> None:
    spec = make_check(target.make_url("/text"), assertions=(parse_assertion('body contains "ok"'),))

    result = await probe(session, spec)

    assert result.error == 'assertion failed: body contains "ok" (got "all good: healthy")'


async def test_it_sends_the_method_headers_and_body_of_the_check(
    session: aiohttp.ClientSession, target: TestServer
) -> None:
    spec = make_check(
        target.make_url("/echo"),
        method="POST",
        headers={"X-Probe": "yes"},
        body="ping",
        assertions=(
            parse_assertion('body.method == "POST"'),
            parse_assertion('body.headers.X-Probe == "yes"'),
            parse_assertion('body.body == "ping"'),
            parse_assertion('body.headers.User-Agent contains "statuspage-probe"'),
        ),
    )

    assert (await probe(session, spec)).status is ProbeStatus.UP


async def test_it_asks_the_server_to_close_a_connection_it_will_not_reuse(
    session: aiohttp.ClientSession, target: TestServer
) -> None:
    spec = make_check(
        target.make_url("/echo"),
        assertions=(parse_assertion('body.headers.Connection == "close"'),),
    )

    assert (await probe(session, spec)).status is ProbeStatus.UP


async def test_its_result_serialises_to_json(
    session: aiohttp.ClientSession, target: TestServer
) -> None:
    result = await probe(session, make_check(target.make_url("/health")))

    document = json.loads(json.dumps(result.as_json()))

    assert document["status"] == "up"
    assert document["dependencies"] == {"database": "connected"}


async def test_a_failed_assertion_that_could_not_compare_says_why(
    session: aiohttp.ClientSession, target: TestServer
) -> None:
    spec = make_check(target.make_url("/health"), assertions=(parse_assertion("body.status < 5"),))

    result = await probe(session, spec)

    assert result.error == (
        'assertion failed: body.status < 5 (got "healthy": cannot compare a string with a number)'
    )


def bytes_app(content_type: str, body: bytes) -> web.Application:
    async def answer(request: web.Request) -> web.Response:
        return web.Response(body=body, headers={"Content-Type": content_type})

    app = web.Application()
    app.router.add_get("/health", answer)
    return app


@pytest.mark.parametrize(
    ("content_type", "body", "text"),
    [
        ("text/plain; charset=iso-8859-1", "café ok".encode("latin-1"), "café ok"),
        ("text/plain; charset=utf-8", b"caf\xff ok", "caf\ufffd ok"),
        ("text/plain; charset=x-unknown", b"caf\xc3\xa9 \xff ok", "café \ufffd ok"),
        ("text/plain", "café ok".encode(), "café ok"),
    ],
)
async def test_the_body_is_read_as_text_in_its_charset_and_never_fails_to_decode(
    session: aiohttp.ClientSession,
    aiohttp_server: AiohttpServer,
    content_type: str,
    body: bytes,
    text: str,
) -> None:
    server = await aiohttp_server(bytes_app(content_type, body))
    assertion = parse_assertion(f'body == "{text}"')
    spec = make_check(server.make_url("/health"), assertions=(assertion,))

    result = await probe(session, spec)

    assert (result.status, result.error) == (ProbeStatus.UP, None)


async def test_a_failed_probe_is_stamped_with_the_clock_it_is_given(
    session: aiohttp.ClientSession,
) -> None:
    start = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)

    result = await probe(session, make_check("http://127.0.0.1:1/health"), now=lambda: start)

    assert (result.status, result.started_at) == (ProbeStatus.DOWN, start)


async def test_a_latency_assertion_sees_the_measured_latency(
    session: aiohttp.ClientSession, target: TestServer
) -> None:
    spec = make_check(
        target.make_url("/health"), assertions=(parse_assertion("latency_ms < 60000"),)
    )

    assert (await probe(session, spec)).status is ProbeStatus.UP


async def test_a_latency_equal_to_the_sla_is_within_it(
    session: aiohttp.ClientSession, target: TestServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A stopped perf_counter makes every probe take exactly 0 ms; the SLA is 0 ms.
    monkeypatch.setattr(probes.timing, "time", SimpleNamespace(perf_counter=lambda: 100.0))
    timing = probes.timing.RequestTiming(started=100.0)
    assert timing.elapsed_ms() == 0.0

    result = await probe(session, make_check(target.make_url("/health"), sla_ms=0.0))

    assert (result.status, result.latency_ms, result.within_sla) == (ProbeStatus.UP, 0.0, True)


async def test_a_plain_text_body_is_not_read_as_json_even_when_it_could_be(
    aiohttp_server: AiohttpServer, session: aiohttp.ClientSession
) -> None:
    server = await aiohttp_server(bytes_app("text/plain", b'{"database": "down"}'))

    result = await probe(session, make_check(server.make_url("/health")))

    assert (result.status, result.dependencies) == (ProbeStatus.UP, {})


@pytest.mark.parametrize(
    ("reuse", "headers", "got"),
    [
        (False, {}, '"close"'),
        (True, {}, "missing"),
        (False, {"connection": "keep-alive"}, '"keep-alive"'),
    ],
)
async def test_a_check_that_will_not_reuse_its_connection_asks_the_server_to_close_it(
    target: TestServer, reuse: bool, headers: dict[str, str], got: str
) -> None:
    # On a keep-alive session only the probe itself can ask for "Connection: close". The
    # assertion fails on purpose: its reason shows the header the server received.
    asked = parse_assertion('body.headers.Connection == "never"')
    spec = make_check(
        target.make_url("/echo"), reuse_connections=reuse, headers=headers, assertions=(asked,)
    )
    async with make_client_session(keep_alive=True) as kept:
        result = await probe(kept, spec)

    assert result.error == f'assertion failed: body.headers.Connection == "never" (got {got})'


async def test_a_probe_session_caps_connections_and_caches_lookups_only_when_kept() -> None:
    async with make_client_session() as fresh, make_client_session(keep_alive=True) as kept:
        for session, keeps in ((fresh, False), (kept, True)):
            connector = session.connector
            assert isinstance(connector, aiohttp.TCPConnector)
            assert (connector.limit, connector.limit_per_host) == (100, 10)
            assert (connector.force_close, connector.use_dns_cache) == (not keeps, keeps)


async def test_a_probe_names_itself_and_carries_no_cookie_from_an_earlier_probe(
    aiohttp_server: AiohttpServer, target: TestServer
) -> None:
    async def set_cookie(request: web.Request) -> web.Response:
        response = web.json_response(HEALTHY_BODY)
        response.set_cookie("session", "from-the-first-probe")
        return response

    app = target_app()
    app.router.add_get("/cookie", set_cookie)
    server = await aiohttp_server(app)
    echoed = (
        parse_assertion('body.headers["User-Agent"] == "statuspage-probe/0.1"'),
        parse_assertion('body.headers.Cookie == "none"'),
    )
    # By name, not by address: aiohttp's cookie jar would refuse cookies from an IP.
    base = f"http://localhost:{server.port}"
    async with make_client_session(keep_alive=True) as session:
        await probe(session, make_check(f"{base}/cookie", reuse_connections=True))
        spec = make_check(f"{base}/echo", reuse_connections=True, assertions=echoed)
        result = await probe(session, spec)

    # The first assertion passes; the second fails and shows the cookie was not sent.
    assert result.error == 'assertion failed: body.headers.Cookie == "none" (got missing)'


async def test_a_probe_ignores_proxy_settings_in_the_environment(
    target: TestServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:1")
    monkeypatch.setenv("NO_PROXY", "")
    async with make_client_session() as fresh:
        result = await probe(fresh, make_check(target.make_url("/health")))

    assert (result.status, result.error) == (ProbeStatus.UP, None)
