"""`async with started(harness)`: a harness started on entry and closed on exit, so each fixture is one block."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Protocol, TypeVar


class Startable(Protocol):
    async def start(self) -> object: ...

    async def close(self) -> None: ...


H = TypeVar("H", bound=Startable)


@asynccontextmanager
async def started(harness: H) -> AsyncIterator[H]:
    await harness.start()
    try:
        yield harness
    finally:
        await harness.close()
