"""The running evaluator: one process at a time holds the alerting lock, hears every
committed result, and writes what the rules decide.

* Feeding: in one process (SQLite) the result writer calls `accept` after each
  commit; on PostgreSQL every writer, in any process, sends the batch with
  `NOTIFY` in its transaction and the lock holder LISTENs. Either way a result is
  judged as soon as it is committed, without reading the results table again.
* A periodic round (every `[alerting] evaluate_every_s`) lets windows slide on
  without new results, refreshes what is not a result (statuses, maintenance,
  sign-in failures, roll-up counts, incidents waiting for a human), and takes the
  open alerts from the database again: the database, not memory, is the truth, so
  an operator's manual resolve or a failed write is picked up.
* Taking over (at start, or when the holder died) rebuilds memory from the
  database: open alerts (a firing alert is not fired again) and the raw window of
  results.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta

from probes.clock import Clock
from statuspage.alerting.evaluator import Evaluator, Scope
from statuspage.alerting.inputs import long_counts, metric_points, site_data
from statuspage.alerting.ruleset import RuleSet, build_ruleset
from statuspage.service.settings_holder import SettingsHolder
from storage.alerts.inputs import results_since
from storage.alerts.reads import open_alerts
from storage.alerts.writes import AlertStep, GroupEvent, apply_steps
from storage.database import Database
from storage.failures import diagnose
from storage.leadership import Leadership
from storage.notify.outbox import Planner
from storage.results.announce import CHANNEL, Announced, parse
from storage.status import statuses_in_force

log = logging.getLogger("statuspage.alerting")

LOCK_NAME = "alerting"
LONG_COUNTS_EVERY_S = 60.0  # roll-ups move once a minute
SWEEP_EVERY_S = 60.0  # every component judged, fed or not (evaluator.Scope)
GroupHandler = Callable[[GroupEvent], Awaitable[None]]
RoundHook = Callable[[datetime], Awaitable[None]]


class AlertingService:
    def __init__(self, db: Database, settings: SettingsHolder, *, clock: Clock) -> None:
        self._db = db
        self._settings = settings
        self._clock = clock
        self._generation = settings.generation
        self.evaluator = Evaluator(build_ruleset(settings.current))
        self._leadership = Leadership(db, LOCK_NAME)
        self._inbox: list[Announced] = []
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()
        # Loop time of the next round; clock times of the next roll-up read and sweep.
        self._next_round, self._next_long_counts, self._next_sweep = 0.0, 0.0, 0.0
        self.handlers: list[GroupHandler] = []
        # Notifications (statuspage/notify): queued with each alert change, and planned
        # again at the end of each round for what changes without an alert moving.
        self.planner: Planner | None = None
        self.round_hooks: list[RoundHook] = []
        self.failure: Exception | None = None  # the latest round's error, while failing
        self.rounds = 0  # completed periodic rounds (tests wait on this)
        self.judged = 0  # results taken in while leading

    @property
    def leading(self) -> bool:
        return self._leadership.held

    @property
    def ruleset(self) -> RuleSet:
        return self.evaluator.ruleset

    def accept(self, results: Sequence[Announced]) -> None:
        """Committed results (the writer's listener). Not leading: another process
        judges them, from its own notification."""
        if self._leadership.held and results:
            self._inbox.extend(results)
            self._wake.set()

    def _heard(self, payload: str) -> None:
        self.accept(parse(payload))

    async def run(self) -> None:
        every = self._settings.current.file.alerting.evaluate_every_s
        while not self._stopping.is_set():
            try:
                if not self._leadership.held and not await self.take_over():
                    await self._sleep(every)
                    continue
                await self._step()
                self.failure = None
            except Exception as error:  # a database outage must not end alerting
                self.failure = error
                self._log_failure(error)
                await self._sleep(every)
        await self._leadership.release()

    async def stop(self) -> None:
        self._stopping.set()
        self._wake.set()

    async def resign(self) -> None:
        """Give up the lock (another process takes over), as stopping does."""
        await self._leadership.release()

    async def _sleep(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), seconds)

    async def take_over(self) -> bool:
        """Take the alerting lock and rebuild from the database; False if another
        process holds it. The loop calls it first; tests call it directly."""
        if not await self._leadership.try_acquire():
            return False
        try:
            if not self._db.is_sqlite:  # listen first: nothing committed from now is missed
                await self._leadership.listen(CHANNEL, self._heard)
            await self._rebuild()
        except BaseException:
            await self._leadership.release()
            raise
        log.info("alerting: evaluating here", extra={"fields": {"rules": self._rule_count()}})
        return True

    async def _rebuild(self) -> None:
        now = self._clock()
        self.evaluator = Evaluator(build_ruleset(self._settings.current))
        self.evaluator.restore(await open_alerts(self._db))
        since = now - timedelta(seconds=self.ruleset.keep_s)
        self.evaluator.set_statuses(await self._statuses())
        self.evaluator.add(await results_since(self._db, since))
        self._next_round, self._next_long_counts, self._next_sweep = 0.0, 0.0, 0.0

    async def _statuses(self) -> dict[str, tuple[str, str]]:
        return {c: (s.status, s.source) for c, s in (await statuses_in_force(self._db)).items()}

    async def _step(self) -> None:
        """Judge what arrived, or wait for it until the next periodic round is due.
        The cadence is loop time (a duration); what the rules see as now is the clock."""
        loop = asyncio.get_running_loop()
        wait = self._next_round - loop.time()
        if wait > 0 and not self._inbox:
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), wait)
        if self._inbox:
            await self.judge_arrived()
        if loop.time() >= self._next_round:
            await self.run_round()
            every = self._settings.current.file.alerting.evaluate_every_s
            self._next_round = loop.time() + every

    async def judge_arrived(self) -> None:
        """Judge the results that arrived since the last call."""
        now = self._clock()
        arrived, self._inbox = self._inbox, []
        self.judged += self.evaluator.add(arrived)
        await self._write(self.evaluator.evaluate(now.timestamp()), now)

    async def run_round(self) -> None:
        """One periodic round (the loop calls it; tests call it with the clock set)."""
        now = self._clock()
        if not await self._leadership.still_held():
            log.warning("alerting: lost the lock; another process takes over")
            return
        self._retune_if_reloaded()
        self.evaluator.set_statuses(await self._statuses())
        self.evaluator.set_site(await site_data(self._db, self._settings.current, now))
        self.evaluator.set_metrics(await metric_points(self._db, self.ruleset, now))
        if now.timestamp() >= self._next_long_counts:
            spans = self.ruleset.long_spans()
            self.evaluator.set_long_counts(await long_counts(self._db, self.ruleset, spans, now))
            self._next_long_counts = now.timestamp() + LONG_COUNTS_EVERY_S
        self.evaluator.reset_open(await open_alerts(self._db))
        scope = Scope.ROUND
        if now.timestamp() >= self._next_sweep:
            scope, self._next_sweep = Scope.SWEEP, now.timestamp() + SWEEP_EVERY_S
        steps = []
        for part in self.evaluator.evaluating(now.timestamp(), scope):
            steps += part
            await asyncio.sleep(0)  # let due probes start: a sweep's slices add up
        await self._write(steps, now)
        for hook in self.round_hooks:
            await hook(now)
        self.rounds += 1

    def _retune_if_reloaded(self) -> None:
        if self._settings.generation != self._generation:
            self._generation = self._settings.generation
            self.evaluator.retune(build_ruleset(self._settings.current))

    async def _write(self, steps: list[AlertStep], now: datetime) -> None:
        if not steps:
            return
        events = await apply_steps(self._db, steps, now=now, planner=self.planner)
        for each in steps:
            log.info(
                "alert moved",
                extra={
                    "fields": {
                        "rule": each.rule,
                        "subject": each.subject,
                        "state": each.state or "dropped",
                    }
                },
            )
        for event in events:
            for handler in self.handlers:
                await handler(event)

    def _rule_count(self) -> int:
        return len(self.ruleset.site) + sum(len(r) for r in self.ruleset.by_component.values())

    def _log_failure(self, error: Exception) -> None:
        problem = diagnose(error, self._db.engine.url)
        if problem is None:
            log.exception("alerting round failed")
        else:
            log.error("alerting round failed", extra={"fields": {"reason": str(problem)}})
