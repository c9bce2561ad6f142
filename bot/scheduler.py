"""The scheduler component: APScheduler jobs that, under a database lease, run the SLA sweeps and the digest."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.core import digest, sla
from bot.core.clock import TZ
from bot.core.lease import DEFAULT_TTL, DbLease
from bot.core.services import Core

log = logging.getLogger(__name__)

LEASE_NAME = "scheduler"
STOP_WAIT = timedelta(seconds=30)  # how long `stop` waits for running jobs (a digest takes a few seconds)


class Scheduler:
    """Sweeps every `sweep_seconds` (PCIBOT_SWEEP_SECONDS, else YAML) and the weekly digest (YAML cron).

    Every job first takes or renews the lease, so with several replicas only the holder works; a
    separate renewal job keeps the lease alive between sweeps and lets a standby take over within
    `ttl` + `renew_every` of the holder's death, sweeping at once when it does.
    """

    def __init__(
        self,
        core: Core,
        *,
        on_work: Callable[[], None] | None = None,
        ttl: timedelta = DEFAULT_TTL,
        renew_every: timedelta | None = None,
        holder: str | None = None,
    ) -> None:
        self.core = core
        self.on_work = on_work
        self.sweep_seconds = float(core.config.sweep_seconds or core.rules.reminders.sweep_seconds)
        self.renew_every = renew_every or ttl / 3
        self.lease = DbLease(core.maker, LEASE_NAME, holder=holder, ttl=ttl)
        self.scheduler = AsyncIOScheduler(timezone=TZ)
        self.sweeps = 0
        self._lock = asyncio.Lock()
        self._running: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        """Add the jobs (the first sweep runs right away) and start the scheduler."""
        now = datetime.now(TZ)
        common = {"coalesce": True, "max_instances": 1, "misfire_grace_time": None}
        self.scheduler.add_job(
            self._finished_at_stop(self.sweep_job),
            IntervalTrigger(seconds=self.sweep_seconds),
            id="sweep",
            next_run_time=now,
            **common,
        )
        self.scheduler.add_job(
            self._finished_at_stop(self.renew_job),
            IntervalTrigger(seconds=self.renew_every.total_seconds()),
            id="lease",
            **common,
        )
        self.scheduler.add_job(
            self._finished_at_stop(self.digest_job),
            CronTrigger.from_crontab(self.core.rules.reminders.digest_cron, timezone=TZ),
            id="digest",
            **common,
        )
        self.scheduler.start()
        log.info(
            "scheduler started: sweep every %ss, digest '%s', lease holder %s",
            self.sweep_seconds,
            self.core.rules.reminders.digest_cron,
            self.lease.holder,
        )

    def _finished_at_stop(self, job: Callable[[], Awaitable[None]]) -> Callable[[], Awaitable[None]]:
        """The job, its runs tracked so that `stop` lets them finish rather than cancel them mid-transaction."""

        async def tracked() -> None:
            task = asyncio.current_task()
            assert task is not None
            self._running.add(task)
            try:
                await job()
            finally:
                self._running.discard(task)

        return tracked

    async def stop(self) -> None:
        """Let running jobs finish (up to STOP_WAIT), stop the scheduler, and hand the lease over at once.

        APScheduler's shutdown cancels running coroutine jobs; one cancelled inside a database call
        leaves a connection to be torn down while the engine is being disposed.
        """
        if self.scheduler.running:
            self.scheduler.pause()
            if self._running:
                await asyncio.wait(set(self._running), timeout=STOP_WAIT.total_seconds())
            self.scheduler.shutdown(wait=False)
        async with self._lock:
            if self.lease.held:
                await self.lease.release()

    async def run_sweep(self) -> sla.SweepResult:
        """One sweep: reminders, escalations, the overdue list, the satisfaction loop, a missed digest."""
        async with self._lock:
            result = await sla.sweep(self.core)
            if not result.skipped_outside_hours:
                await digest.send_due(self.core)
            self.sweeps += 1
        if self.on_work is not None:
            self.on_work()
        return result

    async def sweep_job(self) -> None:
        """Interval job: sweep if we hold the lease."""
        try:
            if await self.lease.acquire():
                await self.run_sweep()
        except Exception:
            log.exception("SLA sweep failed; the next one will retry")

    async def renew_job(self) -> None:
        """Keep the lease; a replica that just took it over sweeps immediately."""
        try:
            was_held = self.lease.held
            if await self.lease.acquire() and not was_held:
                await self.run_sweep()
        except Exception:
            log.exception("lease renewal failed")

    async def digest_job(self) -> None:
        """Cron job: the weekly digest, on time (sweeps catch it up if this run was missed)."""
        try:
            if await self.lease.acquire():
                async with self._lock:
                    await digest.send_due(self.core)
                if self.on_work is not None:
                    self.on_work()
        except Exception:
            log.exception("weekly digest failed")
