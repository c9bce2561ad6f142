"""What the Zalo adapters share to start and stop: an HTTP client opened on first use, a background task's end."""

from __future__ import annotations

import asyncio
import contextlib

import aiohttp


class LazyClient:
    """Call it for the HTTP client (opened on first use, again after `close`); `close` ends it."""

    def __init__(self) -> None:
        self._session: aiohttp.ClientSession | None = None

    def __call__(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession()
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None


async def cancel(task: asyncio.Task[None] | None) -> None:
    """Cancel a background task (if any) and wait until it has ended."""
    if task is None:
        return
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
