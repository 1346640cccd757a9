from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp.test_utils import TestServer
from pytest_aiohttp import AiohttpServer

from probes.http import make_client_session
from probes.timing import make_ssl_context
from tests.probes.targets import target_app
from tests.probes.tls import SelfSigned, make_self_signed


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with make_client_session() as session:
        yield session


@pytest.fixture
async def target(aiohttp_server: AiohttpServer) -> TestServer:
    return await aiohttp_server(target_app())


@pytest.fixture(scope="session")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> SelfSigned:
    return make_self_signed(tmp_path_factory.mktemp("tls"))


@pytest.fixture
async def tls_target(aiohttp_server: AiohttpServer, certificate: SelfSigned) -> TestServer:
    return await aiohttp_server(target_app(), ssl=certificate.server_context())


@pytest.fixture
async def tls_session(certificate: SelfSigned) -> AsyncIterator[aiohttp.ClientSession]:
    context = make_ssl_context(cafile=str(certificate.cert_path))
    async with make_client_session(ssl_context=context) as session:
        yield session
