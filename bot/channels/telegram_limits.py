"""Telegram flood limits as a PTB rate limiter that defers instead of blocking the outbox sender.

Limits (Telegram FAQ, PTB wiki "Avoiding flood limits"): about 30 messages/s overall, 20/min per group,
1/s per private chat (short bursts tolerated). Each is a token bucket whose tokens may go negative: a
request takes a token and sleeps until its slot. When that slot is further away than `max_wait`, the
request is not made and `Deferred(seconds)` is raised instead; the channel turns it into a SendResult
with retry_after, so the outbox reschedules that one row and keeps delivering to other chats. (PTB's
AIORateLimiter only ever sleeps, and pauses *every* request on one RetryAfter: one busy agency group
would then stall the answers to every business.) A real 429 from Telegram pauses only its chat.
"""

from __future__ import annotations

import asyncio
import time
import warnings
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

UNLIMITED = frozenset(
    {
        "getUpdates",
        "getMe",
        "setWebhook",
        "deleteWebhook",
        "answerCallbackQuery",
        "setMyCommands",
        "getWebhookInfo",
        "logOut",
        "close",
    }
)


class Deferred(Exception):
    """The request was not made: its chat's limit allows it only in `seconds`."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"deferred {seconds:.1f}s by the rate limiter")
        self.seconds = seconds


def retry_after_seconds(err: RetryAfter) -> float:
    """RetryAfter's wait in seconds, whether PTB stores an int or a timedelta."""
    value = getattr(err, "_retry_after", None)
    if value is None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            value = err.retry_after
    return float(value.total_seconds() if hasattr(value, "total_seconds") else value)


@dataclass
class Bucket:
    """A token bucket that lends tokens from the future (negative balance = queued requests)."""

    capacity: float
    rate: float  # tokens per second
    tokens: float = 0.0
    stamp: float = 0.0

    def __post_init__(self) -> None:
        self.tokens = self.capacity

    def _refill(self, now: float) -> None:
        if self.stamp:
            self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now

    def wait(self, now: float) -> float:
        """Seconds until a token is available."""
        self._refill(now)
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate

    def take(self, now: float) -> None:
        self._refill(now)
        self.tokens -= 1


@dataclass
class Limits:
    """The numbers, adjustable (e.g. for a self-hosted Bot API server or paid broadcasts)."""

    overall_per_second: float = 30
    group_per_minute: float = 20
    group_burst: float = 20
    private_per_second: float = 1
    private_burst: float = 3
    max_wait: float = 1.5  # longer waits are deferred to the outbox instead of slept


class ChatRateLimiter(BaseRateLimiter[None]):
    """Overall, per-group and per-private-chat buckets; defers long waits; honours RetryAfter per chat."""

    def __init__(self, limits: Limits | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        self.limits = limits or Limits()
        self.clock = clock
        self.overall = Bucket(self.limits.overall_per_second, self.limits.overall_per_second)
        self.chats: dict[str, Bucket] = {}
        self.paused_until: dict[str, float] = {}

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""

    def _bucket(self, chat: str) -> Bucket:
        bucket = self.chats.get(chat)
        if bucket is None:
            lim = self.limits
            is_group = chat.startswith("-") or chat.startswith("@")
            bucket = (
                Bucket(lim.group_burst, lim.group_per_minute / 60)
                if is_group
                else Bucket(lim.private_burst, lim.private_per_second)
            )
            if len(self.chats) > 50_000:  # forget idle chats (full buckets) now and then
                now = self.clock()
                self.chats = {k: b for k, b in self.chats.items() if b.wait(now) > 0 or b.tokens < b.capacity}
            self.chats[chat] = bucket
        return bucket

    def reserve(self, chat: str) -> float:
        """Take a slot for one request to `chat`; seconds to sleep first, or raise Deferred."""
        now = self.clock()
        bucket = self._bucket(chat)
        pause = max(0.0, self.paused_until.get(chat, 0.0) - now)
        wait = max(self.overall.wait(now), bucket.wait(now), pause)
        if wait > self.limits.max_wait:
            raise Deferred(wait)
        self.overall.take(now)
        bucket.take(now)
        return wait

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        """Wait for the request's slot (or defer it), make it, and remember a RetryAfter for its chat."""
        chat_id = data.get("chat_id")
        if endpoint in UNLIMITED or chat_id is None:
            return await callback(*args, **kwargs)
        chat = str(chat_id)
        wait = self.reserve(chat)
        if wait > 0:
            await asyncio.sleep(wait)
        try:
            return await callback(*args, **kwargs)
        except RetryAfter as err:
            self.paused_until[chat] = self.clock() + retry_after_seconds(err)
            raise
