"""Shared fixtures: a migrated database (SQLite, and PostgreSQL when configured), a fake clock, the app."""

from __future__ import annotations

import asyncio
import io
import os
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from bot.app import App, build, stop
from bot.config import Config

POSTGRES_URL = os.environ.get("PCIBOT_TEST_POSTGRES_URL")
SHARED = Path(__file__).resolve().parents[1].parent / "shared"


@dataclass
class FakeClock:
    """A settable clock injected into the core."""

    now: datetime

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kw: float) -> None:
        self.now = self.now + timedelta(**kw)


async def reset_postgres(url: str) -> None:
    """Drop and recreate the public schema so each test starts empty."""
    engine = create_async_engine(url)
    async with engine.begin() as conn:
        await conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        await conn.execute(text("CREATE SCHEMA public"))
    await engine.dispose()


def _db_params() -> list[str]:
    return ["sqlite", "postgres"] if POSTGRES_URL else ["sqlite"]


@pytest.fixture
def clock() -> FakeClock:
    # Tue 10/03/2026 09:00 in Lạng Sơn
    return FakeClock(datetime(2026, 3, 10, 2, 0, tzinfo=UTC))


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / 'test.db'}"


@pytest.fixture(params=_db_params())
async def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database URL: SQLite always, PostgreSQL too when PCIBOT_TEST_POSTGRES_URL is set."""
    if request.param == "postgres":
        assert POSTGRES_URL is not None
        await reset_postgres(POSTGRES_URL)
        return POSTGRES_URL
    return f"sqlite+aiosqlite:///{tmp_path / 'test.db'}"


def make_config(url: str, **overrides: object) -> Config:
    values: dict[str, object] = {"database_url": url, "console": True, "public_url": "http://test.local"}
    values.update(overrides)
    return Config(**values)  # type: ignore[arg-type]


@pytest.fixture
async def app(db_url: str, clock: FakeClock) -> AsyncIterator[App]:
    """The assembled application on a migrated database, console channel included, no listeners."""
    application = await build(make_config(db_url), clock=clock, migrate=True)
    assert application.console is not None
    application.console.out = io.StringIO()
    yield application
    await stop(application)


@pytest.fixture(autouse=True)
async def no_task_outlives_its_test() -> AsyncIterator[None]:
    """Whatever a test started must have ended with it (a job or request left running means a stop that did not stop).

    A task left over is cancelled when the test's event loop closes, maybe inside a database call, where
    aiosqlite's close can then wait for ever: the suite would hang instead of failing here.
    """
    yield
    await asyncio.sleep(0)  # let tasks finishing right now finish
    me = asyncio.current_task()
    left = [task for task in asyncio.all_tasks() if task is not me and not task.done()]
    assert not left, f"tasks still running after the test: {[task.get_coro() for task in left]}"
