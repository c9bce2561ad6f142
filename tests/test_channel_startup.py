"""A Bot API unreachable at start-up: the site keeps serving, /healthz names the channel, and it recovers."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from sqlalchemy.ext.asyncio import create_async_engine

from bot.app import start
from storage.db import make_sessionmaker
from tests.fakes.telegram_api import text_of
from tests.fakes.telegram_harness import Harness, free_port

pytestmark = pytest.mark.e2e


@pytest.fixture(params=["polling", "webhook"])
async def down(request: pytest.FixtureRequest, db_url: str) -> AsyncIterator[tuple[Harness, int]]:
    """A harness whose Bot API is not listening yet (its port is chosen but closed)."""
    h = Harness(db_url, request.param)
    api_port = free_port()
    h.fake.url = f"http://127.0.0.1:{api_port}"
    try:
        yield h, api_port
    finally:
        await h.close()


async def health(h: Harness) -> tuple[int, dict[str, Any]]:
    async with aiohttp.ClientSession() as http, http.get(f"http://127.0.0.1:{h.port}/healthz") as resp:
        return resp.status, await resp.json()


async def until_healthy(h: Harness, timeout: float = 70) -> dict[str, Any]:  # back-off may reach 60 s
    for _ in range(int(timeout / 0.1)):
        status, body = await health(h)
        if body["status"] == "ok":
            assert status == 200
            return body
        await asyncio.sleep(0.1)
    raise AssertionError(f"never healthy: {body}")


async def test_the_site_serves_while_telegram_is_unreachable_and_the_channel_starts_when_it_answers(
    down: tuple[Harness, int],
) -> None:
    h, api_port = down
    await h.build_app()
    assert h.app is not None
    h.app.starter.delay = lambda attempt: 0.2  # the back-off itself is tested below; here it only waits
    await start(h.app, serve_web=True)  # returns: the unreachable Bot API no longer ends the process

    status, body = await health(h)
    assert status == 200 and body["status"] == "degraded" and body["database"] == "ok"
    # retries come every 0.2 s here, so a loaded machine may already be past the first when /healthz answers
    assert re.match(r"starting \(attempt \d+ failed: NetworkError", body["channels"]["telegram"])
    async with aiohttp.ClientSession() as http:
        async with http.get(f"http://127.0.0.1:{h.port}/") as page:
            assert page.status == 200 and "Lạng Sơn" in await page.text()
        async with http.get(f"http://127.0.0.1:{h.port}/open311/v2/services.json") as services:
            assert services.status == 200 and await services.json()
    await asyncio.sleep(0.5)
    attempts = (await health(h))[1]["channels"]["telegram"]
    assert "attempt 1 " not in attempts, "the start-up is retried"

    await h.fake.start(api_port)  # Telegram answers again
    assert (await until_healthy(h))["channels"] == {"telegram": "ok"}
    if h.mode == "webhook":
        assert h.fake.webhook is not None and h.fake.webhook["url"] == f"http://127.0.0.1:{h.port}/telegram/hook"
    reply = await h.say(h.stranger, "/start")
    assert "Quý doanh nghiệp" in text_of(reply)


async def test_healthz_is_503_when_the_database_is_down(db_url: str) -> None:
    h = Harness(db_url, "polling")
    try:
        await h.start()
        assert h.app is not None
        assert await until_healthy(h)
        dead = create_async_engine("postgresql+asyncpg://nobody@127.0.0.1:1/none")
        h.app.core.maker = make_sessionmaker(dead)
        try:
            status, body = await health(h)
            assert status == 503 and body["status"] == "error" and body["channels"] == {"telegram": "ok"}
        finally:
            await dead.dispose()
    finally:
        await h.close()


async def test_healthz_never_says_ok_beside_a_channel_still_starting(db_url: str) -> None:
    """A retry that succeeds while /healthz pings the database: the body is read at one moment."""
    h = Harness(db_url, "polling")
    try:
        await h.start()
        assert h.app is not None
        starter, maker = h.app.starter, h.app.core.maker
        starter.state["telegram"] = "starting (attempt 4 failed: NetworkError: refused)"

        def retry_succeeds_during_the_ping() -> Any:
            starter.state["telegram"] = "ok"
            return maker()

        h.app.core.maker = retry_succeeds_during_the_ping  # type: ignore[assignment]
        status, body = await health(h)
        assert status == 200 and body == {"status": "ok", "database": "ok", "channels": {"telegram": "ok"}}
    finally:
        await h.close()


def test_the_back_off_doubles_up_to_a_minute_with_jitter() -> None:
    from bot.channels.startup import backoff

    delays = [backoff(n) for n in range(1, 12)]
    assert 0.8 <= delays[0] <= 1.2 and 1.6 <= delays[1] <= 2.4 and 3.2 <= delays[2] <= 4.8
    assert all(48 <= d <= 72 for d in delays[7:])
