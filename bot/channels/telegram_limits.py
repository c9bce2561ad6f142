"""Telegram flood limits as a PTB rate limiter that defers instead of blocking the outbox sender.

Limits (Telegram FAQ, PTB wiki "Avoiding flood limits"): about 30 messages/s overall, 20/min per group,
1/s per private chat (short bursts tolerated). The overall and group limits are sliding windows (no
1-second window, whatever its start, holds more than 30 requests, no 60-second window more than 20 to one
group; a token bucket would let a full bucket and its refill through in the same second); private chats
keep a small token bucket. A request sleeps until it fits. When that is further away than `max_wait`, the
request is not made and `Deferred(seconds)` is raised instead; the channel turns it into a SendResult
with retry_after, so the outbox reschedules that one row and keeps delivering to other chats. (PTB's
AIORateLimiter only ever sleeps, and pauses *every* request on one RetryAfter: one busy agency group
would then stall the answers to every business.) A real 429 from Telegram pauses only its chat.
"""

from __future__ import annotations

import asyncio
import time
import warnings
from collections import deque
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
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


POLL_SECONDS = 0.02  # how often to look again while only requests in flight fill a window


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
class Window:
    """At most `cap` requests in any `seconds`-long window, whatever its start (a sliding log).

    A request counts from the moment it is let through until `seconds` after its answer came back: it
    reached Telegram somewhere in between, so however late it arrived there (network, a busy event loop),
    no window Telegram could measure holds more than `cap`. Requests still in flight always count.
    """

    cap: int
    seconds: float
    done: deque[float] = field(default_factory=deque)  # answer times, in order
    in_flight: int = 0

    def wait(self, now: float) -> float:
        """Seconds until one more request fits (a short poll while only requests in flight fill the window)."""
        while self.done and self.done[0] <= now - self.seconds:
            self.done.popleft()
        over = len(self.done) + self.in_flight - self.cap
        if over < 0:
            return 0.0
        if over < len(self.done):
            return self.done[over] + self.seconds - now
        return POLL_SECONDS

    def take(self) -> None:
        self.in_flight += 1

    def release(self, now: float) -> None:
        self.in_flight -= 1
        self.done.append(now)

    def idle(self, now: float) -> bool:
        return self.in_flight == 0 and self.wait(now) == 0 and not self.done


@dataclass
class Limits:
    """The numbers, adjustable (e.g. for a self-hosted Bot API server or paid broadcasts)."""

    overall_per_second: int = 30
    group_per_minute: int = 20
    group_window_seconds: float = 60.0  # the "minute" of group_per_minute (shorter only in tests)
    private_per_second: float = 1
    private_burst: float = 3
    max_wait: float = 1.5  # longer waits are deferred to the outbox instead of slept


class ChatRateLimiter(BaseRateLimiter[None]):
    """An overall and a per-group sliding window, per-private-chat buckets; defers long waits; honours RetryAfter."""

    def __init__(self, limits: Limits | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        self.limits = limits or Limits()
        self.clock = clock
        self.overall = Window(self.limits.overall_per_second, 1.0)
        self.groups: dict[str, Window] = {}
        self.chats: dict[str, Bucket] = {}
        self.paused_until: dict[str, float] = {}

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""

    def _forget_idle(self, now: float) -> None:
        """Drop the state of chats that no longer constrain anything (now and then, to bound memory)."""
        if len(self.chats) + len(self.groups) > 50_000:
            self.chats = {k: b for k, b in self.chats.items() if b.wait(now) > 0 or b.tokens < b.capacity}
            self.groups = {k: w for k, w in self.groups.items() if not w.idle(now)}

    def _chat_limit(self, chat: str, now: float) -> Window | Bucket:
        lim = self.limits
        if chat.startswith("-") or chat.startswith("@"):
            window = self.groups.get(chat)
            if window is None:
                self._forget_idle(now)
                window = self.groups[chat] = Window(lim.group_per_minute, lim.group_window_seconds)
            window.cap, window.seconds = lim.group_per_minute, lim.group_window_seconds
            return window
        bucket = self.chats.get(chat)
        if bucket is None:
            self._forget_idle(now)
            bucket = self.chats[chat] = Bucket(lim.private_burst, lim.private_per_second)
        return bucket

    def wait(self, chat: str) -> float:
        """Seconds until a request to `chat` fits every limit (0: it may go now)."""
        now = self.clock()
        self.overall.cap = self.limits.overall_per_second
        limit = self._chat_limit(chat, now)
        pause = max(0.0, self.paused_until.get(chat, 0.0) - now)
        return max(self.overall.wait(now), limit.wait(now), pause)

    def take(self, chat: str) -> None:
        """Let one request to `chat` through now (call `release` once it is answered)."""
        now = self.clock()
        self.overall.take()
        limit = self._chat_limit(chat, now)
        if isinstance(limit, Window):
            limit.take()
        else:
            limit.take(now)

    def release(self, chat: str) -> None:
        """The request to `chat` was answered (or failed): it counts from now on for its windows."""
        now = self.clock()
        self.overall.release(now)
        window = self.groups.get(chat)
        if window is not None:
            window.release(now)

    def reserve(self, chat: str) -> float:
        """Seconds to sleep before a request to `chat` may be tried, or raise Deferred if that is too long."""
        wait = self.wait(chat)
        if wait > self.limits.max_wait:
            raise Deferred(wait)
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
        deadline = self.clock() + self.limits.max_wait
        while (wait := self.reserve(chat)) > 0:  # others may take the slot while this one sleeps: look again
            if self.clock() + wait > deadline:
                raise Deferred(wait)
            await asyncio.sleep(wait)
        self.take(chat)
        try:
            return await callback(*args, **kwargs)
        except RetryAfter as err:
            self.paused_until[chat] = self.clock() + retry_after_seconds(err)
            raise
        finally:
            self.release(chat)
