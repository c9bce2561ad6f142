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


def send(lim: ChatRateLimiter, chat: str) -> float:
    """The wait before one request to `chat`; when it is 0 the request is made and answered at once."""
    wait = lim.reserve(chat)
    if wait == 0:
        lim.take(chat)
        lim.release(chat)
    return wait


def test_private_chat_one_per_second_after_a_short_burst() -> None:
    clock = Clock()
    lim = ChatRateLimiter(Limits(), clock)
    assert [send(lim, "42") for _ in range(3)] == [0, 0, 0]
    assert send(lim, "42") == pytest.approx(1.0)  # sleeps, within max_wait
    clock.t += 1.0
    assert send(lim, "42") == 0
    assert send(lim, "43") == 0  # another chat is not held up
    clock.t += 2.0
    assert send(lim, "42") == 0


def test_group_twenty_in_any_minute_then_deferred() -> None:
    clock = Clock()
    lim = ChatRateLimiter(Limits(), clock)
    for _ in range(20):
        assert send(lim, "-100") == 0
        clock.t += 0.05
    with pytest.raises(Deferred) as err:
        send(lim, "-100")
    assert err.value.seconds == pytest.approx(60 - 20 * 0.05)  # until the first send leaves the window
    clock.t += err.value.seconds
    assert send(lim, "-100") == 0
    assert send(lim, "-100") == pytest.approx(0.05)  # the second one leaves the window 0.05 s later


def test_overall_thirty_in_any_second() -> None:
    clock = Clock()
    lim = ChatRateLimiter(Limits(), clock)
    assert [send(lim, str(i)) for i in range(30)] == [0] * 30
    clock.t += 0.5
    assert send(lim, "31") == pytest.approx(0.5)  # a token bucket would have let 15 more through here
    clock.t += 0.5
    assert send(lim, "31") == 0


def test_a_request_in_flight_counts_until_it_is_answered() -> None:
    """However late a slow request reaches Telegram, it is in the window of the requests after it."""
    clock = Clock()
    lim = ChatRateLimiter(Limits(overall_per_second=2), clock)
    lim.take("1")
    lim.take("2")
    clock.t += 5
    assert lim.reserve("3") > 0  # both still in flight: full
    lim.release("1")
    assert lim.reserve("3") == pytest.approx(1.0)  # one answered now, the other still in flight


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
