"""Channel start-up that never takes the process down: retried with backoff while the site and Open311 serve."""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from bot.channels.base import Channel
from bot.channels.client import cancel

log = logging.getLogger(__name__)
FIRST_DELAY = 1.0
MAX_DELAY = 60.0
OK = "ok"


def backoff(attempt: int, first: float = FIRST_DELAY, cap: float = MAX_DELAY) -> float:
    """Seconds before retry `attempt` (1, 2, …): doubling from `first` up to `cap`, with ±20 % jitter."""
    base = min(cap, first * 2.0 ** (attempt - 1))
    return base * random.uniform(0.8, 1.2)


@dataclass
class ChannelStarter:
    """Starts each channel; one that fails (Bot API unreachable, say) is retried in the background.

    `state` names each channel's condition for /healthz: "ok", or why it is not started yet and how
    many attempts failed. Replicas each start their own channels; nothing here is shared.
    """

    delay: Callable[[int], float] = backoff
    state: dict[str, str] = field(default_factory=dict)
    _retries: dict[str, asyncio.Task[None]] = field(default_factory=dict)

    async def start(self, channels: Iterable[Channel]) -> None:
        """Try every channel once now; those that fail keep trying without blocking the caller."""
        for channel in channels:
            if not await self._attempt(channel, 1):
                self._retries[channel.name] = asyncio.create_task(self._retry(channel), name=f"start-{channel.name}")

    def snapshot(self) -> tuple[bool, dict[str, str]]:
        """Whether every channel has started, with each channel's state, read together.

        /healthz reports both: read at different moments they could disagree ("ok" beside a channel
        still "starting") when a retry finishes in between.
        """
        state = dict(self.state)
        return all(why == OK for why in state.values()), state

    async def stop(self) -> None:
        """Give up the retries still running."""
        retries, self._retries = self._retries, {}
        for task in retries.values():
            await cancel(task)

    async def _attempt(self, channel: Channel, attempt: int) -> bool:
        try:
            await channel.start()
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # whatever a platform library raises: the rest of the process keeps serving
            why = f"{type(exc).__name__}: {' '.join(str(exc).split())[:200]}"
            self.state[channel.name] = f"starting (attempt {attempt} failed: {why})"
            log.warning("channel %s did not start (attempt %d): %s", channel.name, attempt, why)
            return False
        self.state[channel.name] = OK
        if attempt > 1:
            log.info("channel %s started after %d attempts", channel.name, attempt)
        return True

    async def _retry(self, channel: Channel) -> None:
        attempt = 1
        while True:
            await asyncio.sleep(self.delay(attempt))
            attempt += 1
            if await self._attempt(channel, attempt):
                return
