"""The confirming poller against the fake Bot API: confirms what was committed, retries, gives up on poison."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import pytest
from telegram import Bot, Update

from bot.channels.telegram_http import AiohttpRequest
from bot.channels.telegram_poll import ConfirmingPoller
from tests.fakes.telegram_api import FakeTelegram

TOKEN = "123456:POLL-test"


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    server = FakeTelegram(TOKEN)
    await server.start()
    yield server
    await server.stop()


@asynccontextmanager
async def polling(
    fake: FakeTelegram, submit: Callable[[Update], Awaitable[bool]], *, retry_seconds: float, max_attempts: int = 5
) -> AsyncIterator[None]:
    """A poller running against the fake for the duration of the block."""
    bot = Bot(TOKEN, base_url=f"{fake.url}/bot", request=AiohttpRequest())
    poller = ConfirmingPoller(
        bot, submit, ["message"], timeout=1, max_attempts=max_attempts, retry_seconds=retry_seconds
    )
    async with bot:
        task = asyncio.create_task(poller.run())
        try:
            yield
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)


async def until(done: Callable[[], bool], seconds: float = 5.0) -> None:
    for _ in range(int(seconds / 0.02)):
        if done():
            return
        await asyncio.sleep(0.02)


async def test_a_poisoned_update_is_retried_then_given_up_and_the_rest_confirmed(fake: FakeTelegram) -> None:
    user = fake.user(7, "Chi")
    seen: Counter[int] = Counter()
    poisoned = 0

    async def submit(update: Update) -> bool:
        seen[update.update_id] += 1
        return update.update_id != poisoned

    async with polling(fake, submit, max_attempts=3, retry_seconds=0.01):
        first, bad, last = (fake.text(user, f"tin {i}")["update_id"] for i in range(3))
        poisoned = bad
        await until(lambda: not fake.unconfirmed and seen[last] > 0)
    assert fake.unconfirmed == []  # given up on, so the bot goes on with the others
    assert seen[bad] == 3
    assert seen[first] == 1  # committed before the poisoned one: never fetched again
    assert seen[last] >= 1


async def test_polling_waits_out_failures_at_start_and_flood_waits(fake: FakeTelegram) -> None:
    fake.fault("deleteWebhook", 502)
    fake.fault("getUpdates", 429, retry_after=1)
    fake.fault("getUpdates", 500)
    seen: list[int] = []

    async def submit(update: Update) -> bool:
        seen.append(update.update_id)
        return True

    async with polling(fake, submit, retry_seconds=0.05):
        uid = fake.text(fake.user(8, "Dũng"), "xin chào")["update_id"]
        await until(lambda: bool(seen) and not fake.unconfirmed)
    assert seen == [uid] and fake.unconfirmed == []
    assert all(fault.times == 0 for fault in fake.faults)  # every failure was met and waited out
