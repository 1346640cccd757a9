"""Reasons for failures that the real-server tests cannot easily provoke on 127.0.0.1.

The exceptions are built as aiohttp and ssl raise them; what is tested is the words an
operator reads on the status page.
"""

from __future__ import annotations

import errno
import ssl

import aiohttp
import pytest
from aiohttp.client_reqrep import ConnectionKey
from yarl import URL

from probes.errors import ProbeFailure, describe_error
from probes.model import CheckSpec

CHECK = CheckSpec("api", "https://127.0.0.1:1/health", sla_ms=100)
KEY = ConnectionKey("127.0.0.1", 1, True, True, None, None, None, None)


def ssl_error(reason: str | None, message: str = "") -> ssl.SSLError:
    error = ssl.SSLError(1, message)
    if reason is not None:
        error.reason = reason  # set by the ssl module itself when it raises
    return error


def test_an_expired_certificate_is_named_by_the_verifier() -> None:
    error = ssl.SSLCertVerificationError(1, "certificate verify failed")
    error.verify_message = "certificate has expired"
    exc = aiohttp.ClientConnectorCertificateError(KEY, error)
    assert describe_error(exc, CHECK) == "TLS error: certificate has expired"


def test_a_certificate_error_without_a_verifier_message_uses_the_tls_reason() -> None:
    exc = aiohttp.ClientConnectorCertificateError(KEY, ssl_error("CERTIFICATE_UNKNOWN"))
    assert describe_error(exc, CHECK) == "TLS error: certificate unknown"


def test_a_tls_failure_while_connecting_is_named_by_its_cause() -> None:
    exc = aiohttp.ClientConnectorSSLError(KEY, ssl_error("WRONG_VERSION_NUMBER"))
    assert describe_error(exc, CHECK) == "TLS error: wrong version number"


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        (ssl_error(None, "handshake went wrong"), "TLS error: handshake went wrong"),
        (ssl_error(""), "TLS error: SSLError"),
    ],
)
def test_a_tls_error_without_a_reason_falls_back_to_its_text_then_its_type(
    error: ssl.SSLError, reason: str
) -> None:
    assert describe_error(error, CHECK) == reason


def test_a_redirect_to_another_scheme_is_named() -> None:
    exc = aiohttp.NonHttpUrlRedirectClientError(URL("ftp://127.0.0.1/"))
    assert describe_error(exc, CHECK) == "redirect to a non-HTTP URL"


@pytest.mark.parametrize(
    ("exc", "reason"),
    [
        (ConnectionResetError(errno.ECONNRESET, "reset by peer"), "connection reset"),
        (ConnectionResetError("no errno"), "connection reset"),
        (OSError(errno.EPIPE, "broken pipe"), "connection reset"),
        (OSError(errno.ECONNABORTED, "aborted"), "connection aborted"),
        (OSError(errno.EHOSTUNREACH, "no route"), "host unreachable"),
        (OSError(errno.ENETUNREACH, "no network"), "network unreachable"),
        (OSError(errno.EMFILE, "Too many open files"), "connection failed: Too many open files"),
        (OSError("no errno at all"), "connection failed: no errno at all"),
    ],
)
def test_socket_errors_read_as_words(exc: OSError, reason: str) -> None:
    assert describe_error(exc, CHECK) == reason


SLOW = CheckSpec("api", "https://127.0.0.1:1/health", sla_ms=100, timeout_s=2.5)


@pytest.mark.parametrize(
    ("exc", "spec", "reason"),
    [
        (aiohttp.ConnectionTimeoutError(), SLOW, "timeout after 2500 ms"),
        (
            aiohttp.ConnectionTimeoutError(),
            CheckSpec("api", "http://x", sla_ms=1, timeout_s=2.5, connect_timeout_s=1.5),
            "connect timeout after 1500 ms",
        ),
        (
            TimeoutError(),
            CheckSpec("api", "http://x", sla_ms=1, timeout_s=2.5, connect_timeout_s=1.5),
            "timeout after 2500 ms",
        ),
    ],
)
def test_a_timeout_says_which_limit_ran_out(exc: Exception, spec: CheckSpec, reason: str) -> None:
    assert describe_error(exc, spec) == reason


@pytest.mark.parametrize(
    ("exc", "reason"),
    [
        (
            aiohttp.ClientConnectorDNSError(KEY, OSError(-2, "Domain name not found")),
            "DNS lookup failed: Domain name not found",
        ),
        (aiohttp.ClientConnectorDNSError(KEY, OSError(-2, "")), "DNS lookup failed"),
        (aiohttp.InvalidUrlRedirectClientError(URL("http:///x")), "redirect to an invalid URL"),
        (aiohttp.ServerDisconnectedError(), "server closed the connection without a response"),
        (
            aiohttp.ClientConnectorError(KEY, OSError(errno.EMFILE, "Too many open files")),
            "connection failed: Too many open files",
        ),
        (
            aiohttp.ClientConnectorError(KEY, OSError(errno.ECONNREFUSED, "refused")),
            "connection refused",
        ),
        (aiohttp.ClientError("boom"), "request failed: boom"),
        (aiohttp.ClientError(), "request failed: ClientError"),
        (ProbeFailure("body larger than 10 bytes"), "body larger than 10 bytes"),
    ],
)
def test_other_failures_read_as_words(exc: Exception, reason: str) -> None:
    assert describe_error(exc, CHECK) == reason


def test_a_probe_failure_reads_as_its_reason() -> None:
    assert str(ProbeFailure("body larger than 10 bytes")) == "body larger than 10 bytes"
