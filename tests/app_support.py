"""The assembled application for tests that need their own configuration (the `app` fixture's defaults aside)."""

from __future__ import annotations

import io
import re
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager

import aiohttp

from bot.app import App, build, stop
from handlers import dispatch
from tests.conftest import FakeClock, make_config


@asynccontextmanager
async def console_app(db_url: str, clock: FakeClock, **overrides: object) -> AsyncIterator[App]:
    """Built on a migrated database with `overrides` to the test config, the console printing into a StringIO."""
    app = await build(make_config(db_url, **overrides), clock=clock, migrate=True)
    assert app.console is not None
    app.console.out = io.StringIO()
    try:
        yield app
    finally:
        await stop(app)


@contextmanager
def temporary_command(name: str, handler: dispatch.Command) -> Iterator[str]:
    """A business command that exists only inside the block (for handlers written by a test)."""
    dispatch.register(name, handler, dispatch.BUSINESS_COMMANDS)
    try:
        yield name
    finally:
        del dispatch.BUSINESS_COMMANDS[name]
        del dispatch.COMMANDS[name]


async def refused_updates(base_url: str, channel: str) -> float:
    """pcibot_refused_updates_total of one channel, all reasons, as GET /metrics shows it."""
    async with aiohttp.ClientSession() as http, http.get(f"{base_url}/metrics") as resp:
        text = await resp.text()
    pattern = rf'^pcibot_refused_updates_total\{{channel="{channel}",reason="[a-z_]+"\}} (\S+)$'
    return sum(float(n) for n in re.findall(pattern, text, re.M))
