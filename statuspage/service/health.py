"""What `/healthz` says: is this process doing its work, and if its storage fails, why.

- 200 `{"status": "ok", "storage": "ok"}`: the latest writes and jobs succeeded.
- 200 `{"status": "degraded", "storage": "unavailable", "reason": ...}`: the database
  is away or locked, or a write has not returned long past the statement timeout;
  results wait in the buffer and are written once it is back, so a restart would
  only lose them.
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


# A write still running this long past the statement timeout is not waiting for a
# lock or a slow query: the disk or the server has stopped answering.
STALL_MARGIN_S = 5.0


def health(
    writer: Writer | None,
    job_failures: Mapping[str, Exception],
    database_url: str,
    points: Writer | None = None,
    files: Exception | None = None,
    *,
    stalled_after_s: float | None = None,
    now: float = 0.0,
) -> tuple[int, dict[str, object]]:
    """The HTTP status and JSON body of `/healthz`: `writer` writes probe results,
    `points` scraped metric points, `files` is what is wrong with the database file.
    A write that has run longer than `stalled_after_s` at `now` (the loop's clock)
    counts as the database being unavailable."""
    writers = {name: w for name, w in ((WRITING, writer), (WRITING_POINTS, points)) if w}
    found = storage_problem(writers, job_failures, database_url)
    if files is not None and (problem := diagnose(files, database_url)) is not None:
        found = (CHECKING_FILES, problem)
    if found is None and stalled_after_s is not None:
        found = stalled_write(writers, stalled_after_s, now)
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


def stalled_write(
    writers: Mapping[str, Writer], after_s: float, now: float
) -> tuple[str, StorageProblem] | None:
    """A writer whose batch has run longer than `after_s`: it reports no failure while
    the attempt runs, and on a frozen disk the attempt never ends."""
    for name, writer in writers.items():
        began = writer.attempt_began
        if began is not None and now - began > after_s:
            problem = StorageProblem(
                Severity.UNAVAILABLE,
                f"a write has not finished in {now - began:.0f} s",
                "the database's disk or server has stopped answering; "
                "results wait in the buffer until it answers again",
            )
            return name, problem
    return None
