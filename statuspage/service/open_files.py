"""Room for web connections among the process's file descriptors: the open-file
limit is raised to the hard one at start-up, and `server.max_connections` is kept
below it by a reserve for the probes, the database and logs."""

from __future__ import annotations

import resource
from dataclasses import dataclass

# File descriptors kept back from web connections: the database pool, log files,
# the DNS resolver and the process's own, on top of one per probe in flight.
BASE_RESERVE = 128


@dataclass(frozen=True, slots=True)
class FileLimit:
    before: int
    after: int
    hard: int


def raise_open_file_limit() -> FileLimit:
    """Raise the soft open-file limit to the hard one (a process may always do that)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = hard if hard != resource.RLIM_INFINITY else max(soft, 1 << 20)
    if wanted > soft:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
        except (ValueError, OSError):  # e.g. a kernel cap below the hard limit
            wanted = soft
    return FileLimit(before=soft, after=max(soft, wanted), hard=hard)


def connection_cap(configured: int, open_files: int, probe_concurrency: int) -> int:
    """`configured`, lowered if need be so the probes' reserve of descriptors stays free."""
    available = open_files - probe_concurrency - BASE_RESERVE
    return max(1, min(configured, available))
