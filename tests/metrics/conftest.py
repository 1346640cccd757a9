from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from probes.sessions import ProbeSessions
from tests.metrics.helpers import MovingClock


@pytest.fixture
async def sessions() -> AsyncIterator[ProbeSessions]:
    sessions = ProbeSessions.open()
    yield sessions
    await sessions.close()


@pytest.fixture
def clock() -> MovingClock:
    return MovingClock()
