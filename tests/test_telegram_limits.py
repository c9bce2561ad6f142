"""The Telegram flood limiter: bursts pass, long waits are deferred to the outbox, 429 pauses one chat."""

from __future__ import annotations

import pytest
from telegram.error import RetryAfter

from bot.channels.telegram_limits import ChatRateLimiter, Deferred, Limits


class Clock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def test_private_chat_one_per_second_after_a_short_burst() -> None:
    clock = Clock()
    lim = ChatRateLimiter(Limits(), clock)
    assert [lim.reserve("42") for _ in range(3)] == [0, 0, 0]
    assert lim.reserve("42") == pytest.approx(1.0)  # slept, within max_wait
    with pytest.raises(Deferred) as err:
        lim.reserve("42")
    assert err.value.seconds == pytest.approx(2.0)
    assert lim.reserve("43") == 0  # another chat is not held up
    clock.t += 2.0
    assert lim.reserve("42") == 0


def test_group_twenty_per_minute_then_deferred() -> None:
    clock = Clock()
    lim = ChatRateLimiter(Limits(), clock)
    for _ in range(20):
        assert lim.reserve("-100") == 0
        clock.t += 0.05
    with pytest.raises(Deferred) as err:
        lim.reserve("-100")
    assert 1.5 < err.value.seconds <= 3.0  # one token comes back every 3 s


def test_overall_thirty_per_second() -> None:
    clock = Clock()
    lim = ChatRateLimiter(Limits(), clock)
    waits = [lim.reserve(str(i)) for i in range(60)]
    assert waits[:30] == [0] * 30 and waits[30] > 0 and max(waits) <= 1.5


async def test_retry_after_pauses_only_that_chat() -> None:
    clock = Clock()
    lim = ChatRateLimiter(Limits(), clock)

    async def flood() -> bool:
        raise RetryAfter(5)

    async def ok() -> bool:
        return True

    with pytest.raises(RetryAfter):
        await lim.process_request(flood, (), {}, "sendMessage", {"chat_id": 7}, None)
    with pytest.raises(Deferred):
        await lim.process_request(ok, (), {}, "sendMessage", {"chat_id": 7}, None)
    assert await lim.process_request(ok, (), {}, "sendMessage", {"chat_id": 8}, None) is True
    assert await lim.process_request(ok, (), {}, "getUpdates", {}, None) is True
