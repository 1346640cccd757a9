"""Turn what went wrong during a probe into a short reason a person can read on a status page."""

from __future__ import annotations

import errno
import ssl

import aiohttp

from probes.model import CheckSpec

MAX_REASON_CHARS = 200

_ERRNO_REASONS = {
    errno.ECONNREFUSED: "connection refused",
    errno.ECONNRESET: "connection reset",
    errno.ECONNABORTED: "connection aborted",
    errno.EPIPE: "connection reset",
    errno.EHOSTUNREACH: "host unreachable",
    errno.ENETUNREACH: "network unreachable",
}


# Failures of the prober's own machine, not of the target: a probe that meets one
# measured nothing (`local_failure`).
_LOCAL_ERRNOS = {
    errno.EMFILE: "too many open files",
    errno.ENFILE: "too many open files in the system",
    errno.ENOMEM: "out of memory",
    errno.ENOBUFS: "no buffer space",
}
NOT_MEASURED = "not measured"


class ProbeFailure(Exception):
    """A failure the probe itself detected, e.g. a body over the size limit."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def local_failure(exc: BaseException) -> str | None:
    """The reason `exc` is the prober's own failure, e.g. "not measured: too many open
    files on the prober"; None when it may be the target's."""
    if isinstance(exc, MemoryError):
        return f"{NOT_MEASURED}: out of memory on the prober"
    for cause in _causes(exc):
        if isinstance(cause, OSError) and (what := _LOCAL_ERRNOS.get(cause.errno or 0)):
            return f"{NOT_MEASURED}: {what} on the prober"
    return None


def _causes(exc: BaseException) -> list[BaseException]:
    """`exc`, the OS error aiohttp wraps in it, and what it was raised from."""
    found: list[BaseException] = []
    pending: list[BaseException | None] = [exc]
    while pending and len(found) < 8:
        cause = pending.pop()
        if cause is None or cause in found:
            continue
        found.append(cause)
        pending += [getattr(cause, "os_error", None), cause.__cause__, cause.__context__]
    return found


def describe_error(exc: Exception, spec: CheckSpec) -> str:
    """A short reason for `exc`, e.g. "timeout after 5000 ms" or "connection refused"."""
    return _describe(exc, spec)[:MAX_REASON_CHARS]


def _describe(exc: Exception, spec: CheckSpec) -> str:
    # Order matters: aiohttp's exceptions subclass each other (a DNS error is a connector
    # error; a connect timeout is a TimeoutError; too many redirects is a response error).
    if isinstance(exc, ProbeFailure):
        return exc.reason
    if isinstance(exc, aiohttp.TooManyRedirects):
        return f"too many redirects ({spec.max_redirects})"
    if isinstance(exc, aiohttp.ConnectionTimeoutError) and spec.connect_timeout_s is not None:
        return f"connect timeout after {spec.connect_timeout_s * 1000:.0f} ms"
    if isinstance(exc, TimeoutError):
        return f"timeout after {spec.timeout_s * 1000:.0f} ms"
    if isinstance(exc, aiohttp.ClientConnectorDNSError):
        # The resolver's own words: "Name or service not known" (the system's),
        # "Domain name not found" or "Timeout while contacting DNS servers" (c-ares).
        detail = exc.os_error.strerror
        return f"DNS lookup failed: {detail}" if detail else "DNS lookup failed"
    if isinstance(exc, aiohttp.ClientConnectorCertificateError):
        return f"TLS error: {_certificate_reason(exc.certificate_error)}"
    if isinstance(exc, aiohttp.ClientSSLError | ssl.SSLError):
        return f"TLS error: {_ssl_reason(exc)}"
    return _describe_connection(exc)


def _describe_connection(exc: Exception) -> str:
    if isinstance(exc, aiohttp.NonHttpUrlRedirectClientError):
        return "redirect to a non-HTTP URL"
    if isinstance(exc, aiohttp.InvalidUrlRedirectClientError):
        return "redirect to an invalid URL"
    if isinstance(exc, aiohttp.InvalidURL):
        return "invalid URL"
    if isinstance(exc, aiohttp.ServerDisconnectedError):
        return "server closed the connection without a response"
    if isinstance(exc, aiohttp.ClientPayloadError):
        # aiohttp names a reset during the body only in the message.
        reset = "ConnectionResetError" in str(exc)
        return "connection reset while reading the body" if reset else "response body cut short"
    if isinstance(exc, aiohttp.ClientResponseError):
        return f"invalid HTTP response: {exc.message}"
    if isinstance(exc, aiohttp.ClientConnectorError):
        return _errno_reason(exc.os_error) or f"connection failed: {exc.strerror or exc}"
    if isinstance(exc, OSError):
        return _errno_reason(exc) or f"connection failed: {exc.strerror or exc}"
    if isinstance(exc, aiohttp.ClientError):
        return f"request failed: {str(exc) or type(exc).__name__}"
    return f"invalid request: {exc}"


def _errno_reason(exc: BaseException | None) -> str | None:
    if not isinstance(exc, OSError):
        return None
    if isinstance(exc, ConnectionResetError):
        return "connection reset"
    return _ERRNO_REASONS.get(exc.errno or 0)


def _certificate_reason(error: Exception) -> str:
    message = getattr(error, "verify_message", None)
    return str(message) if message else _ssl_reason(error)


def _ssl_reason(exc: Exception) -> str:
    cause = exc.os_error if isinstance(exc, aiohttp.ClientConnectorError) else exc
    reason = getattr(cause, "reason", None)
    if isinstance(reason, str) and reason:
        return reason.lower().replace("_", " ")
    return str(cause) or type(cause).__name__
