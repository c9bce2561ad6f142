"""Long polling that confirms updates to Telegram only once they are committed.

getUpdates' `offset` tells Telegram that every update below it was received, and Telegram forgets them.
PTB's Updater moves the offset on its next call, before the updates it fetched are handled: a crash in
between loses them. This poller moves it past a batch only when every update of the batch is committed;
what a crash leaves unconfirmed comes again after the restart, and its update id makes the second
delivery change nothing. An update that keeps failing is fetched again a few times, then given up
(logged) so that one poisoned update cannot stop the bot.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence

from telegram import Bot, Update
from telegram.error import Conflict, NetworkError, RetryAfter

from bot.channels.telegram_limits import retry_after_seconds

log = logging.getLogger(__name__)


class ConfirmingPoller:
    """getUpdates in a loop; each batch is submitted, awaited, and only then confirmed."""

    def __init__(
        self,
        bot: Bot,
        submit: Callable[[Update], Awaitable[bool]],
        allowed_updates: Sequence[str],
        timeout: int = 10,
        max_attempts: int = 5,
        retry_seconds: float = 1.0,
    ) -> None:
        self.bot = bot
        self.submit = submit
        self.allowed_updates = list(allowed_updates)
        self.timeout = timeout
        self.max_attempts = max_attempts
        self.retry_seconds = retry_seconds
        self.offset = 0
        self._failures: dict[int, int] = {}

    async def run(self) -> None:
        """Poll until cancelled (a webhook left by an earlier run is removed first, as PTB's Updater does).

        Network failures, 5xx answers, flood waits and a Conflict (another instance polling) are waited
        out with backoff; a rejected token ends the loop (the channel logs it).
        """
        webhook_cleared = False
        pause = 0.0
        while True:
            if pause:
                await asyncio.sleep(pause)
            try:
                if not webhook_cleared:
                    await self.bot.delete_webhook()
                    webhook_cleared = True
                updates = await self.bot.get_updates(
                    offset=self.offset, timeout=self.timeout, allowed_updates=self.allowed_updates
                )
            except RetryAfter as err:
                pause = retry_after_seconds(err)
                log.warning("getUpdates flood wait: again in %.0f s", pause)
                continue
            except (Conflict, NetworkError) as err:  # NetworkError includes TimedOut and 5xx answers
                pause = min(30.0, max(self.retry_seconds, pause * 2))
                log.warning("getUpdates failed (%s); again in %.0f s", err, pause)
                continue
            results = await asyncio.gather(*(self.submit(update) for update in updates))
            pause = self._confirm(updates, list(results))

    def _confirm(self, updates: Sequence[Update], results: list[bool]) -> float:
        """Move the offset past what was committed; the pause before the next call (0 unless something failed)."""
        for update, ok in zip(updates, results, strict=True):
            uid = update.update_id
            if ok:
                self._failures.pop(uid, None)
                continue
            attempts = self._failures[uid] = self._failures.get(uid, 0) + 1
            if attempts < self.max_attempts:
                self.offset = uid  # fetched again, with those after it (already committed: they change nothing)
                return self.retry_seconds * attempts
            del self._failures[uid]
            log.error("telegram update %s given up after %d failed attempts", uid, attempts)
        if updates:
            self.offset = updates[-1].update_id + 1
        return 0.0
