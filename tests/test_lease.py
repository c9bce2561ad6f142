"""The scheduler lease: exactly one replica sweeps; another takes over when the holder dies."""

from __future__ import annotations

import asyncio
import io
from datetime import UTC, datetime, timedelta

from bot.app import App, build, stop
from bot.core.lease import DbLease
from bot.scheduler import Scheduler
from tests.conftest import FakeClock, make_config


async def test_lease_taken_renewed_and_taken_over_after_expiry(app: App) -> None:
    wall = FakeClock(datetime(2026, 3, 10, 2, 0, tzinfo=UTC))
    ttl = timedelta(seconds=30)
    first = DbLease(app.core.maker, "test", holder="replica-1", ttl=ttl, clock=wall)
    second = DbLease(app.core.maker, "test", holder="replica-2", ttl=ttl, clock=wall)
    assert await first.acquire() and not await second.acquire()
    wall.advance(seconds=20)
    assert await first.acquire()  # renewed: good for another 30 s
    wall.advance(seconds=20)
    assert not await second.acquire() and first.held
    wall.advance(seconds=31)  # replica-1 died without releasing
    assert not first.held
    assert await second.acquire() and not await first.acquire()
    await second.release()
    assert await first.acquire()


async def _instance(db_url: str, clock: FakeClock, name: str) -> tuple[App, Scheduler]:
    app = await build(make_config(db_url, sweep_seconds=0.2), clock=clock, migrate=True)
    app.console.out = io.StringIO()  # type: ignore[union-attr]
    scheduler = Scheduler(app.core, ttl=timedelta(seconds=1.5), renew_every=timedelta(seconds=0.3), holder=name)
    return app, scheduler


async def _wait_for(predicate: object, seconds: float) -> bool:
    for _ in range(int(seconds / 0.05)):
        if predicate():  # type: ignore[operator]
            return True
        await asyncio.sleep(0.05)
    return False


async def test_two_instances_one_sweeps_the_other_takes_over(db_url: str, clock: FakeClock) -> None:
    app_a, a = await _instance(db_url, clock, "replica-a")
    app_b, b = await _instance(db_url, clock, "replica-b")
    try:
        await a.start()
        assert await _wait_for(lambda: a.sweeps >= 1, 5)
        await b.start()
        await asyncio.sleep(1.5)
        assert a.sweeps >= 3 and b.sweeps == 0  # b tried every 0.2 s but never held the lease
        assert a.lease.held and not b.lease.held

        a.scheduler.shutdown(wait=False)  # replica A dies: no more renewals, the lease is not released
        died = datetime.now(UTC)
        assert await _wait_for(lambda: b.sweeps >= 1, 5)
        assert b.lease.held
        assert datetime.now(UTC) - died < timedelta(seconds=3)  # ttl 1.5 s + one renewal period
    finally:
        await b.stop()
        await stop(app_a)
        await stop(app_b)
