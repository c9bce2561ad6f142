"""The confirming poller against the fake Bot API: confirms what was committed, retries, gives up on poison."""

from __future__ import annotations

import asyncio
from collections import Counter

from telegram import Bot, Update

from bot.channels.telegram_http import AiohttpRequest
from bot.channels.telegram_poll import ConfirmingPoller
from tests.fakes.telegram_api import FakeTelegram

TOKEN = "123456:POLL-test"


async def test_a_poisoned_update_is_retried_then_given_up_and_the_rest_confirmed() -> None:
    fake = FakeTelegram(TOKEN)
    await fake.start()
    user = fake.user(7, "Chi")
    seen: Counter[int] = Counter()
    poisoned = 0

    async def submit(update: Update) -> bool:
        seen[update.update_id] += 1
        return update.update_id != poisoned

    bot = Bot(TOKEN, base_url=f"{fake.url}/bot", request=AiohttpRequest())
    poller = ConfirmingPoller(bot, submit, ["message"], timeout=1, max_attempts=3, retry_seconds=0.01)
    async with bot:
        task = asyncio.create_task(poller.run())
        try:
            first, bad, last = (fake.text(user, f"tin {i}")["update_id"] for i in range(3))
            poisoned = bad
            for _ in range(200):
                if not fake.unconfirmed and seen[last]:
                    break
                await asyncio.sleep(0.02)
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
    await fake.stop()
    assert fake.unconfirmed == []  # given up on, so the bot goes on with the others
    assert seen[bad] == 3
    assert seen[first] == 1  # committed before the poisoned one: never fetched again
    assert seen[last] >= 1


async def test_polling_waits_out_failures_at_start_and_flood_waits() -> None:
    fake = FakeTelegram(TOKEN)
    await fake.start()
    fake.fault("deleteWebhook", 502)
    fake.fault("getUpdates", 429, retry_after=1)
    fake.fault("getUpdates", 500)
    seen: list[int] = []

    async def submit(update: Update) -> bool:
        seen.append(update.update_id)
        return True

    bot = Bot(TOKEN, base_url=f"{fake.url}/bot", request=AiohttpRequest())
    poller = ConfirmingPoller(bot, submit, ["message"], timeout=1, retry_seconds=0.05)
    async with bot:
        task = asyncio.create_task(poller.run())
        try:
            uid = fake.text(fake.user(8, "Dũng"), "xin chào")["update_id"]
            for _ in range(250):
                if seen and not fake.unconfirmed:
                    break
                await asyncio.sleep(0.02)
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
    await fake.stop()
    assert seen == [uid] and fake.unconfirmed == []
    assert all(fault.times == 0 for fault in fake.faults)  # every failure was met and waited out
