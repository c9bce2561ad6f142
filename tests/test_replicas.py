"""Two `pcibot run` replicas in webhook mode on one PostgreSQL, behind a proxy that sends each update to either.

The proxy plays the province's reverse proxy (and Telegram's redelivery): each update goes to a replica chosen
at random, a fifth of them to both at once, and to the other one when the first cannot be reached. Midway the
replica that holds the scheduler's lease is SIGKILLed and not restarted. Afterwards every business has its
receipt and its ticket (one ticket each: no update was processed twice), every outbox row was sent (none by
both replicas), and the survivor has taken the scheduler's lease over.
"""

from __future__ import annotations

import asyncio
import os
import random
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web

from bot.core.outbox import RECORD_EVERY
from bot.scheduler import LEASE_NAME
from tests.conftest import reset_postgres
from tests.fakes.telegram_api import FakeTelegram
from tests.fakes.telegram_harness import SECRET, TOKEN, free_port
from tests.soak import BotProcess, Business, Figures, check, drained, environment, go_through, migrate, query

POSTGRES = os.environ.get("PCIBOT_TEST_POSTGRES_URL")
pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not POSTGRES, reason="needs PostgreSQL (PCIBOT_TEST_POSTGRES_URL); .ci/run sets it"),
]
BUSINESSES = 60
HOOK = "/telegram/hook"
FORWARDED = ("content-type", "x-telegram-bot-api-secret-token")


class Proxy:
    """POST /telegram/hook → a random live replica (sometimes both); 502 when none answers, so it comes again."""

    def __init__(self, replicas: list[str], rng: random.Random) -> None:
        self.replicas, self.rng = replicas, rng
        self.both = self.failovers = 0
        self.http: aiohttp.ClientSession | None = None

    async def _forward(self, url: str, body: bytes, headers: dict[str, str]) -> int:
        assert self.http is not None
        try:
            async with self.http.post(url + HOOK, data=body, headers=headers) as resp:
                await resp.read()
                return resp.status
        except aiohttp.ClientError:
            return 502

    async def hook(self, request: web.Request) -> web.Response:
        body = await request.read()
        headers = {
            k: v for k, v in request.headers.items() if k.lower() in ("content-type", "x-telegram-bot-api-secret-token")
        }
        order = self.rng.sample(self.replicas, len(self.replicas))
        if self.rng.random() < 0.2:  # the same update to both replicas at once
            self.both += 1
            statuses = await asyncio.gather(*(self._forward(url, body, headers) for url in order))
            return web.Response(status=200 if 200 in statuses else 502)
        for url in order:
            status = await self._forward(url, body, headers)
            if status != 502:
                return web.Response(status=status)
            self.failovers += 1
        return web.Response(status=502)

    async def serve(self, port: int) -> web.AppRunner:
        self.http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30))
        webapp = web.Application()
        webapp.router.add_post(HOOK, self.hook)
        runner = web.AppRunner(webapp)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        return runner


@pytest.fixture
async def postgres() -> AsyncIterator[str]:
    assert POSTGRES is not None
    await reset_postgres(POSTGRES)
    yield POSTGRES
    await reset_postgres(POSTGRES)


async def _lease_holder(db_url: str) -> str:
    rows = await query(db_url, f"select holder from leases where name = '{LEASE_NAME}'")
    return str(rows[0][0]) if rows else ""


async def _wait_for_holder(db_url: str, timeout: float = 10.0) -> str:
    for _ in range(int(timeout / 0.2)):
        if holder := await _lease_holder(db_url):
            return holder
        await asyncio.sleep(0.2)
    raise AssertionError("no replica took the scheduler's lease")


async def test_two_replicas_share_the_work_and_one_killed_loses_nothing(postgres: str) -> None:
    rng = random.Random(11)
    fake = FakeTelegram(TOKEN)
    api = await fake.start()
    proxy_port = free_port()
    hook = dict(PCIBOT_TELEGRAM_WEBHOOK_URL=f"http://127.0.0.1:{proxy_port}{HOOK}",
                PCIBOT_TELEGRAM_WEBHOOK_SECRET=SECRET, PCIBOT_SWEEP_SECONDS="1")  # fmt: skip
    envs = [environment(postgres, api, **hook) for _ in range(2)]
    await migrate(envs[0])
    figures = Figures(BUSINESSES)
    with tempfile.TemporaryDirectory(prefix="pcibot-replicas-") as tmp:
        bots = [BotProcess(env, Path(tmp) / f"replica{i}.log") for i, env in enumerate(envs)]
        proxy = Proxy([f"http://127.0.0.1:{env['PCIBOT_WEB_PORT']}" for env in envs], rng)
        runner = await proxy.serve(proxy_port)
        people = [Business(fake, i) for i in range(BUSINESSES)]
        try:
            await asyncio.gather(*(bot.start() for bot in bots))
            holder = await _wait_for_holder(postgres)
            [doomed] = [b for b in bots if b.proc is not None and f":{b.proc.pid}:" in holder]
            [survivor] = [b for b in bots if b is not doomed]
            work = asyncio.create_task(go_through(people, figures))
            while sum(p.code is not None for p in people) < BUSINESSES // 3:  # kill the sweeper mid-load
                await asyncio.sleep(0.1)
            await doomed.kill()
            figures.kills = 1
            await work
            await drained(postgres)
            assert survivor.proc is not None
            for _ in range(300):  # the lease expires (30 s) and the survivor's next renewal takes it
                if f":{survivor.proc.pid}:" in await _lease_holder(postgres):
                    break
                await asyncio.sleep(0.2)
            new_holder = await _lease_holder(postgres)
        finally:
            for bot in bots:
                await bot.stop()
            await runner.cleanup()
            assert proxy.http is not None
            await proxy.http.close()
            await fake.stop()
        await check(postgres, fake, people, figures)
    line = f"{figures.line()}; proxy sent {proxy.both} updates to both replicas, {proxy.failovers} failovers"
    print(line)
    assert figures.codes_shown == BUSINESSES and figures.lost == 0, line
    assert figures.tickets == BUSINESSES, line  # an update processed twice would have filed a second ticket
    assert proxy.both > 0 and proxy.failovers > 0, line
    assert figures.duplicates <= RECORD_EVERY, line  # only what the killed replica had not recorded yet
    assert f":{survivor.proc.pid}:" in new_holder, (holder, new_holder)
