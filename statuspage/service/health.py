"""What `/healthz` says: is this process doing its work, and if its storage fails, why.

- 200 `{"status": "ok", "storage": "ok"}`: the latest writes and jobs succeeded.
- 200 `{"status": "degraded", "storage": "unavailable", "reason": ...}`: the database
  is away or locked; results wait in the buffer and are written once it is back,
  so a restart would only lose them.
- 503 `{"status": "failing", "storage": "failed", "reason": ...}`: waiting will not
  help (a damaged file, a full disk, a read-only server): an operator must act.

Writers add `results_pending` and `results_dropped` (probe results), and
`metric_points_pending` and `metric_points_dropped` (scraped metric points and
problems). What is judged is what this process's own writers and periodic jobs
last met; a web-only process has neither and says "ok" while it can serve. A
writer tries at least every few seconds, so its latest attempt says whether the
database is reachable; a job may next run an hour later, so its failure counts
only when it needs an operator (or there is no writer to ask).

Before all of those: whether the SQLite file is still the one this process opened
(`Database.files_problem()`, `storage.database_files`). A removed or replaced file
takes every write with it while each one "succeeds", so it is a 503 of its own,
named first, in every process, a web-only one included.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from storage.buffered import BufferedWriter
from storage.failures import Severity, StorageProblem, diagnose

STATUS_OF = {None: "ok", Severity.UNAVAILABLE: "degraded", Severity.FAILED: "failing"}


WRITING = "writing results"
WRITING_POINTS = "writing metric points"
CHECKING_FILES = "checking the database file"
Writer = BufferedWriter[Any]


def health(
    writer: Writer | None,
    job_failures: Mapping[str, Exception],
    database_url: str,
    points: Writer | None = None,
    files: Exception | None = None,
) -> tuple[int, dict[str, object]]:
    """The HTTP status and JSON body of `/healthz`: `writer` writes probe results,
    `points` scraped metric points, `files` is what is wrong with the database file."""
    writers = {name: w for name, w in ((WRITING, writer), (WRITING_POINTS, points)) if w}
    found = storage_problem(writers, job_failures, database_url)
    if files is not None and (problem := diagnose(files, database_url)) is not None:
        found = (CHECKING_FILES, problem)
    severity = found[1].severity if found else None
    body: dict[str, object] = {"status": STATUS_OF[severity], "storage": severity or "ok"}
    if found is not None:
        activity, problem = found
        body["reason"] = f"{activity} failed: {problem}"
    if writer is not None:
        body |= {"results_pending": writer.pending, "results_dropped": writer.dropped}
    if points is not None:
        body |= {"metric_points_pending": points.pending, "metric_points_dropped": points.dropped}
    return (503 if severity is Severity.FAILED else 200), body


def storage_problem(
    writers: Mapping[str, Writer], job_failures: Mapping[str, Exception], database_url: str
) -> tuple[str, StorageProblem] | None:
    """The activity that failed and its problem, the one needing an operator first.

    Errors that are not database failures (bugs) are logged where they happen and
    not judged here.
    """
    failures = {name: w.failure for name, w in writers.items() if w.failure is not None}
    failures |= {f"job {name}": error for name, error in job_failures.items()}
    found = [(name, p) for name, error in failures.items() if (p := diagnose(error, database_url))]
    if writers:
        found = [f for f in found if f[0] in writers or f[1].severity is Severity.FAILED]
    found.sort(key=lambda item: item[1].severity is not Severity.FAILED)  # stable: writers first
    return found[0] if found else None
