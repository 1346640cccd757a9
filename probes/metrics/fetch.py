"""Fetching a metric source: a Prometheus text endpoint, or one PromQL query through
a Prometheus server's HTTP API (`/api/v1/query`), bounded in time and size.

A failure says whose it is: `local` when the prober's own machine failed (no file
descriptors, no memory), which is never recorded against the application, and the
target's otherwise (refused, timed out, an error status, an answer too large).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass

import aiohttp

from probes.errors import ProbeFailure, describe_error, local_failure
from probes.http import read_body
from probes.model import CheckSpec

ACCEPT_TEXT = "text/plain;version=0.0.4;q=1,*/*;q=0.1"
MAX_REDIRECTS = 5  # as a check's default (`CheckSpec.max_redirects`)
_OK = frozenset({200})
_REFUSALS = frozenset({200, 400, 422})


class FetchFailure(Exception):
    def __init__(self, reason: str, *, local: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.local = local


@dataclass(frozen=True, slots=True)
class Endpoint:
    url: str
    timeout_s: float
    max_body_bytes: int
    bearer_token: str | None = None

    def headers(self, accept: str) -> dict[str, str]:
        headers = {"Accept": accept}
        if self.bearer_token is not None:
            headers["Authorization"] = f"Bearer {self.bearer_token}"
        return headers


async def fetch_exposition(session: aiohttp.ClientSession, endpoint: Endpoint) -> str:
    """The exposition's text, or FetchFailure with whose failure it is and why."""
    body = await _get(session, endpoint, endpoint.url, {}, ACCEPT_TEXT)
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise FetchFailure("the exposition is not UTF-8 text") from None


async def query_prometheus(
    session: aiohttp.ClientSession, endpoint: Endpoint, query: str
) -> float | None:
    """The value of an instant query returning one number (a scalar or a vector of one
    element); None when the vector is empty (nothing to measure, as for no traffic)."""
    url = endpoint.url.rstrip("/") + "/api/v1/query"
    # Prometheus answers a query it refuses with 400 or 422 and says why in the JSON.
    body = await _get(session, endpoint, url, {"query": query}, "application/json", _REFUSALS)
    return instant_value(body)


def instant_value(body: bytes) -> float | None:
    try:
        answer = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise FetchFailure("Prometheus answered with something that is not JSON") from None
    if not isinstance(answer, dict) or answer.get("status") != "success":
        error = answer.get("error") if isinstance(answer, dict) else None
        raise FetchFailure(f"Prometheus refused the query: {str(error)[:200]}")
    data = answer.get("data")
    kind = data.get("resultType") if isinstance(data, dict) else None
    result = data.get("result") if isinstance(data, dict) else None
    if kind == "scalar" and isinstance(result, list) and len(result) == 2:
        return _number(result[1])
    if kind == "vector" and isinstance(result, list):
        if not result:
            return None
        if len(result) > 1:
            raise FetchFailure(f"the query returned {len(result)} series; it must return one")
        value = result[0].get("value") if isinstance(result[0], dict) else None
        if isinstance(value, list) and len(value) == 2:
            return _number(value[1])
    raise FetchFailure(f"the query's result is not one number (result type {kind!r})")


def _number(text: object) -> float:
    try:
        value = float(str(text))
    except ValueError:
        raise FetchFailure(f"the query's value {str(text)[:50]!r} is not a number") from None
    if not math.isfinite(value):
        raise FetchFailure(f"the query's value is {value}")
    return value


async def _get(
    session: aiohttp.ClientSession,
    endpoint: Endpoint,
    url: str,
    params: Mapping[str, str],
    accept: str,
    readable: frozenset[int] = _OK,
) -> bytes:
    timeout = aiohttp.ClientTimeout(total=endpoint.timeout_s)
    try:
        async with session.get(
            url,
            params=params,
            headers=endpoint.headers(accept),
            timeout=timeout,
            # aiohttp fails on the Nth redirect response, having followed N-1.
            max_redirects=MAX_REDIRECTS + 1,
        ) as response:
            if response.status not in readable:
                raise FetchFailure(f"HTTP {response.status} from {_where(url)}")
            return await read_body(response, endpoint.max_body_bytes)
    except FetchFailure:
        raise
    except ProbeFailure as exc:  # the body was larger than the limit
        raise FetchFailure(exc.reason) from None
    except (aiohttp.ClientError, OSError, TimeoutError) as exc:
        raise _failure(exc, url, endpoint.timeout_s) from None


def _failure(exc: Exception, url: str, timeout_s: float) -> FetchFailure:
    local = local_failure(exc)
    if local is not None:
        return FetchFailure(local, local=True)
    # The reason reads the timeout and the redirect limit; the other fields are unused.
    spec = CheckSpec(
        name=url,
        url=url,
        sla_ms=timeout_s * 1000,
        timeout_s=timeout_s,
        max_redirects=MAX_REDIRECTS,
    )
    return FetchFailure(describe_error(exc, spec))


def _where(url: str) -> str:
    return url.split("?", 1)[0][:200]
