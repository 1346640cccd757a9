"""One HTTP POST to a receiver, judged the way every HTTP channel judges it.

* 2xx: delivered; the receiver's answer (its first bytes) goes to the delivery log.
* 429: retried, after `Retry-After` if the receiver gave one (seconds or a date).
* 408, 425 and 5xx, timeouts and connection errors: retried with backoff.
* Any other 4xx: permanent (a revoked webhook, a bad routing key, a bad payload).
* 3xx: permanent. Redirects are not followed: a webhook's address is configured,
  and following one could send the message somewhere nobody chose.

Reasons never include the URL: for Slack and many webhooks the URL is the secret.
"""

from __future__ import annotations

import email.utils
from collections.abc import Mapping
from datetime import datetime

import aiohttp

from probes.clock import Clock
from probes.digits import ascii_int
from statuspage.notify.channels.base import DeliveryError

ANSWER_BYTES = 2000
_RETRIED = {408, 425, 429}


async def post(
    http: aiohttp.ClientSession,
    url: str,
    body: bytes,
    headers: Mapping[str, str],
    *,
    timeout_s: float,
    clock: Clock,
) -> str:
    """POST `body`; the answer as "HTTP 202: <text>", or DeliveryError."""
    try:
        async with http.post(
            url,
            data=body,
            headers=dict(headers),
            timeout=aiohttp.ClientTimeout(total=timeout_s),
            allow_redirects=False,
        ) as response:
            text = (await response.content.read(ANSWER_BYTES)).decode("utf-8", "replace").strip()
            return _judged(response.status, text, response.headers, clock)
    except TimeoutError:
        raise DeliveryError(f"no answer within {timeout_s:g} s") from None
    except aiohttp.ClientConnectorError as error:
        raise DeliveryError(f"cannot connect: {error.os_error.strerror or 'refused'}") from None
    except aiohttp.ClientError as error:
        raise DeliveryError(f"request failed: {type(error).__name__}") from None


def _judged(status: int, text: str, headers: Mapping[str, str], clock: Clock) -> str:
    answer = f"HTTP {status}: {text}" if text else f"HTTP {status}"
    if 200 <= status < 300:
        return answer
    if 300 <= status < 400:
        raise DeliveryError(f"{answer} (a redirect; not followed)", permanent=True)
    if status in _RETRIED or status >= 500:
        wait = retry_after_s(headers.get("Retry-After"), clock()) if status in (429, 503) else None
        raise DeliveryError(answer, retry_after_s=wait)
    raise DeliveryError(answer, permanent=True)


def retry_after_s(value: str | None, now: datetime) -> float | None:
    """`Retry-After` in seconds from now: a number of seconds, or an HTTP date."""
    if value is None:
        return None
    value = value.strip()
    if (seconds := ascii_int(value)) is not None:
        return float(seconds)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, (when - now).total_seconds())
