"""A background worker that runs batches until idle, and is woken early when new work arrives."""

from __future__ import annotations

import asyncio
import logging
from abc import ABC, abstractmethod

log = logging.getLogger(__name__)


class BatchWorker(ABC):
    """Loops over `run_once` while it finds work; sleeps up to `idle_seconds` otherwise, or until `wake()`."""

    def __init__(self, name: str, idle_seconds: float) -> None:
        self.name = name
        self.idle_seconds = idle_seconds
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._stopping = False

    @abstractmethod
    async def run_once(self) -> int:
        """Handle every item due now once; return how many were attempted."""

    def wake(self) -> None:
        """Ask the loop to look for new work now."""
        self._wake.set()

    async def drain(self, rounds: int = 100) -> None:
        """Work until nothing is immediately due (tests and the console)."""
        for _ in range(rounds):
            if await self.run_once() == 0:
                return

    async def _loop(self) -> None:
        while not self._stopping:
            # Cleared before the batch, not after: a wake() that arrives while the batch runs (a commit its
            # query did not see) must cut the next sleep short instead of being lost.
            self._wake.clear()
            try:
                count = await self.run_once()
            except Exception:  # a failed batch must not stop the worker; its rows stay due
                log.exception("%s: batch failed", self.name)
                count = 0
            if count == 0:
                try:
                    await asyncio.wait_for(self._wake.wait(), timeout=self.idle_seconds)
                except TimeoutError:
                    pass

    def start(self) -> None:
        """Run in the background (also picks up what a crash left behind); a no-op while already running."""
        if self._task is not None and not self._task.done():
            return
        self._stopping = False
        self._task = asyncio.create_task(self._loop(), name=self.name)

    async def stop(self) -> None:
        """Stop after the current batch."""
        self._stopping = True
        self._wake.set()
        if self._task is not None:
            await self._task
            self._task = None
