"""Probe one HTTP health endpoint and judge the answer: up, degraded or down.

Failures are data: a timeout, DNS error, TLS error, refused or reset connection, bad
status, oversized or invalid body, or failed assertion becomes a DOWN result with a short
reason. Only cancellation propagates.

Connections. A session from `make_client_session()` opens a new connection (and resolves
DNS afresh) for every probe, as a first-time visitor would; `keep_alive=True` builds one
that pools connections and caches DNS. aiohttp cannot choose per request, so a caller that
runs both kinds of check holds one session of each and picks by `spec.reuse_connections`
(`probes.sessions.ProbeSessions`). On a keep-alive session a check with
`reuse_connections=False` sends `Connection: close`, so a server that follows HTTP/1.1
closes the connection and it is never pooled; such a check may still be handed a connection that a
`reuse_connections=True` check of the same origin left in the pool (its phases then show
no connect time).

Bounds. One deadline, `spec.timeout_s`, covers connecting, sending, the response headers
and reading the body, so a server that hangs or drips a byte at a time is cut off; it is
pushed back only by time spent waiting for our own connection pool. `connect_timeout_s`
bounds the TCP connect and TLS handshake. Redirects are followed up to
`spec.max_redirects` (0: not followed); at most `spec.max_body_bytes` are read.
"""

from __future__ import annotations

import asyncio
import json
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

import aiohttp

from probes.assertions import MISSING, Assertion, AssertionContext, AssertionOutcome
from probes.clock import Clock, system_clock
from probes.dependencies import extract_dependencies
from probes.errors import ProbeFailure, describe_error, local_failure
from probes.model import CheckSpec, ProbeResult, ProbeStatus
from probes.timing import RequestTiming, make_ssl_context, make_trace_config

USER_AGENT = "statuspage-probe/0.1"
_READ_CHUNK_BYTES = 64 * 1024
# TimeoutError and ssl.SSLError are OSErrors; URL and header mistakes are ValueErrors.
_PROBE_ERRORS = (aiohttp.ClientError, OSError, ValueError, ProbeFailure, MemoryError)


def make_client_session(
    *,
    concurrency: int = 100,
    per_host: int = 10,
    keep_alive: bool = False,
    ssl_context: ssl.SSLContext | None = None,
    user_agent: str = USER_AGENT,
    resolver: aiohttp.abc.AbstractResolver | None = None,
) -> aiohttp.ClientSession:
    """A session for probes: timed, bounded, and sharing no cookies between probes.

    `concurrency` bounds open connections in all, `per_host` to any one host; 0 is no bound,
    for a caller that limits probes itself. Call it from a running event loop;
    `ssl_context` defaults to `probes.timing.make_ssl_context()`; `resolver` to the
    system's (`probes.resolver`), and the caller closes one it passes.
    """
    connector = aiohttp.TCPConnector(
        limit=concurrency,
        limit_per_host=per_host,
        force_close=not keep_alive,
        use_dns_cache=keep_alive,
        ssl=ssl_context if ssl_context is not None else make_ssl_context(),
        resolver=resolver,
    )
    return aiohttp.ClientSession(
        connector=connector,
        trace_configs=[make_trace_config()],
        cookie_jar=aiohttp.DummyCookieJar(),  # a probe must not carry another's cookies
        headers={"User-Agent": user_agent},
        trust_env=False,
    )


async def probe(
    session: aiohttp.ClientSession,
    spec: CheckSpec,
    *,
    now: Clock = system_clock,  # stamps started_at
) -> ProbeResult:
    """Request `spec.url` once and judge the response; never raises for network trouble."""
    started_at = now()
    timing = RequestTiming()
    try:
        response = await _fetch(session, spec, timing)
    except _PROBE_ERRORS as exc:
        if (local := local_failure(exc)) is not None:
            return _result(ProbeStatus.UNKNOWN, started_at, timing, local)
        return _result(ProbeStatus.DOWN, started_at, timing, describe_error(exc, spec))
    return _judge(spec, response, timing, started_at)


@dataclass(frozen=True, slots=True)
class _Response:
    status: int
    headers: Mapping[str, str]
    body: bytes
    content_type: str
    charset: str | None


async def _fetch(
    session: aiohttp.ClientSession, spec: CheckSpec, timing: RequestTiming
) -> _Response:
    async with asyncio.timeout(spec.timeout_s) as deadline:
        timing.on_queued = lambda waited_s: _extend(deadline, waited_s)
        with timing.bound():
            async with session.request(
                spec.method,
                spec.url,
                headers=_headers(spec),
                data=spec.body,
                allow_redirects=spec.max_redirects > 0,
                # aiohttp fails on the Nth redirect response, having followed N-1.
                max_redirects=spec.max_redirects + 1,
                timeout=_client_timeout(spec.connect_timeout_s),
                trace_request_ctx=timing,
            ) as resp:
                body = await read_body(resp, spec.max_body_bytes)
                timing.mark_finished()
                return _Response(resp.status, resp.headers, body, resp.content_type, resp.charset)


_CLIENT_TIMEOUTS: dict[float | None, aiohttp.ClientTimeout] = {}


def _client_timeout(connect_timeout_s: float | None) -> aiohttp.ClientTimeout:
    """aiohttp's timeout for a probe, built once per connect timeout (it is immutable).

    The deadline in `_fetch` is the total; aiohttp's own would count pool waits.
    """
    timeout = _CLIENT_TIMEOUTS.get(connect_timeout_s)
    if timeout is None:
        timeout = aiohttp.ClientTimeout(total=None, sock_connect=connect_timeout_s)
        _CLIENT_TIMEOUTS[connect_timeout_s] = timeout
    return timeout


def _extend(deadline: asyncio.Timeout, seconds: float) -> None:
    when = deadline.when()
    if when is not None:
        deadline.reschedule(when + seconds)


def _headers(spec: CheckSpec) -> dict[str, str]:
    headers = dict(spec.headers)
    if not spec.reuse_connections and not any(k.lower() == "connection" for k in headers):
        headers["Connection"] = "close"
    return headers


async def read_body(resp: aiohttp.ClientResponse, limit: int) -> bytes:
    too_large = ProbeFailure(f"body larger than {limit} bytes")
    if resp.content_length is not None and resp.content_length > limit:
        raise too_large
    body = bytearray()
    # Read one byte past the limit, never more: that is enough to know it was exceeded.
    while chunk := await resp.content.read(min(_READ_CHUNK_BYTES, limit + 1 - len(body))):
        body += chunk
        if len(body) > limit:
            raise too_large
    return bytes(body)


def _judge(
    spec: CheckSpec, response: _Response, timing: RequestTiming, started_at: datetime
) -> ProbeResult:
    latency_ms = timing.elapsed_ms()
    body_json = _json_body(spec, response)
    reason = _failure(spec, response, body_json, latency_ms)
    if reason is not None:
        status = ProbeStatus.DOWN
    elif latency_ms > spec.sla_ms:
        status = ProbeStatus.DEGRADED
        reason = f"slower than SLA ({latency_ms:.0f} ms > {spec.sla_ms:.0f} ms)"
    else:
        status = ProbeStatus.UP
    return ProbeResult(
        status=status,
        latency_ms=latency_ms,
        started_at=started_at,
        phases=timing.phases(),
        http_status=response.status,
        error=reason,
        within_sla=status is ProbeStatus.UP,
        dependencies=extract_dependencies(body_json) if body_json is not MISSING else {},
    )


def _failure(
    spec: CheckSpec, response: _Response, body_json: object, latency_ms: float
) -> str | None:
    if not spec.accepts_status(response.status):
        return f"HTTP {response.status}"
    if body_json is MISSING and any(a.needs_json for a in spec.assertions):
        return "invalid JSON body"
    if not spec.assertions:
        return None
    ctx = AssertionContext(
        status=response.status,
        latency_ms=latency_ms,
        headers=response.headers,
        body_text=_text(response),
        body_json=body_json,
    )
    for assertion in spec.assertions:
        outcome = assertion.evaluate(ctx)
        if not outcome.ok:
            return _assertion_failure(assertion, outcome)
    return None


def _assertion_failure(assertion: Assertion, outcome: AssertionOutcome) -> str:
    detail = outcome.got if outcome.reason is None else f"{outcome.got}: {outcome.reason}"
    return f"assertion failed: {assertion.text} (got {detail})"


def _json_body(spec: CheckSpec, response: _Response) -> object:
    """The parsed body when it is (or must be) JSON; MISSING when not JSON or invalid."""
    wanted = "json" in response.content_type or any(a.needs_json for a in spec.assertions)
    if not wanted or not response.body:
        return MISSING
    try:
        return json.loads(response.body, parse_constant=_refuse_constant)
    except (ValueError, RecursionError):  # RecursionError: nesting deeper than the C stack
        return MISSING


def _refuse_constant(name: str) -> object:
    raise ValueError(f"{name} is not JSON")


def _text(response: _Response) -> str:
    try:
        return response.body.decode(response.charset or "utf-8", errors="replace")
    except LookupError:  # a charset Python does not know
        return response.body.decode("utf-8", errors="replace")


def _result(
    status: ProbeStatus, started_at: datetime, timing: RequestTiming, reason: str
) -> ProbeResult:
    return ProbeResult(
        status=status,
        latency_ms=timing.elapsed_ms(),
        started_at=started_at,
        phases=timing.phases(),
        http_status=timing.http_status,  # known when the failure came after the headers
        error=reason,
    )
