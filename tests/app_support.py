"""The assembled application for tests that need their own configuration (the `app` fixture's defaults aside)."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager

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
