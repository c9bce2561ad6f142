"""A small world for core tests: a migrated SQLite template, officers of several agencies, tickets in any state."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.app import App, build
from bot.core import lifecycle
from bot.core.authz import SYSTEM, Actor
from bot.core.lifecycle import Draft
from storage.db import make_engine, upgrade
from storage.models import Identity, Officer, Ticket, TicketEvent
from tests.conftest import FakeClock, make_config

TAX_TEXT = "Đề nghị hoàn thuế giá trị gia tăng cho công ty, hồ sơ nộp đã 3 tháng"
TRIAGE_TEXT = "test"  # small talk: always unclassified, so triage
T = TypeVar("T")


def migrated_template(directory: Path) -> Path:
    """A migrated empty SQLite file to copy per test (much faster than migrating each time)."""
    path = directory / "template.db"

    async def go() -> None:
        engine = make_engine(f"sqlite+aiosqlite:///{path}")
        await upgrade(engine)
        await engine.dispose()

    asyncio.run(go())
    return path


async def app_on_copy(template: Path, directory: Path, clock: FakeClock) -> App:
    """Build the application on a fresh copy of the migrated template."""
    target = directory / "test.db"
    shutil.copy(template, target)
    return await build(make_config(f"sqlite+aiosqlite:///{target}"), clock=clock, migrate=False)


@dataclass
class Cast:
    """The people of a test: officers of two agencies, a head, the coordinator, an admin, a business."""

    officer: Actor  # thue_tinh
    other: Actor  # so_tai_chinh officer
    head: Actor  # thue_tinh head
    coordinator: Actor
    admin: Actor
    business: Actor
    stranger: Actor  # another business


async def _officer(session: AsyncSession, clock: FakeClock, user: str, role: str, agency: str | None) -> Actor:
    row = Officer(
        channel="console",
        user_id=user,
        display_name=user,
        agency_id=agency,
        role=role,
        active=True,
        created_at=clock(),
    )
    session.add(row)
    await session.flush()
    return Actor(role=role, ref=f"officer:{row.id}", agency_id=agency, officer_id=row.id)


async def _identity(session: AsyncSession, clock: FakeClock, user: str) -> Actor:
    row = Identity(channel="console", user_id=user, chat_id=user, language="vi", unreachable=False, created_at=clock())
    session.add(row)
    await session.flush()
    return Actor(role="business", ref=f"identity:{row.id}", identity_id=row.id)


async def make_cast(app: App, clock: FakeClock) -> Cast:
    """Create the officers and identities of a test."""
    async with app.core.maker() as session, session.begin():
        return Cast(
            officer=await _officer(session, clock, "thue-1", "officer", "thue_tinh"),
            other=await _officer(session, clock, "stc-1", "officer", "so_tai_chinh"),
            head=await _officer(session, clock, "thue-head", "head", "thue_tinh"),
            coordinator=await _officer(session, clock, "coord", "coordinator", "so_tai_chinh"),
            admin=await _officer(session, clock, "admin", "admin", None),
            business=await _identity(session, clock, "biz-1"),
            stranger=await _identity(session, clock, "biz-2"),
        )


@asynccontextmanager
async def session_of(app: App) -> AsyncIterator[AsyncSession]:
    """One committed transaction."""
    async with app.core.maker() as session, session.begin():
        yield session


async def load(app: App, code: str) -> Ticket:
    """A fresh copy of a ticket (with events) from the database."""
    async with app.core.maker() as session:
        ticket = await lifecycle.get_ticket(session, code)
        assert ticket is not None
        return ticket


async def on_ticket(app: App, code: str, action: Callable[..., Awaitable[T]], actor: Actor, *args: Any) -> T:
    """One lifecycle action (`lifecycle.reply`, …) by `actor` on the ticket `code`, in its own transaction."""
    async with session_of(app) as session:
        ticket = await lifecycle.get_ticket(session, code)
        assert ticket is not None
        return await action(session, app.core, ticket, actor, *args)


async def event_count(app: App, code: str) -> int:
    """How many events a ticket has in the database."""
    async with app.core.maker() as session:
        query = select(func.count()).select_from(TicketEvent).join(Ticket).where(Ticket.code == code)
        return int((await session.execute(query)).scalar_one())


async def submit(app: App, cast: Cast, *, text: str = TAX_TEXT, **kw: object) -> str:
    """Submit a ticket as the cast's business; returns its code."""
    async with session_of(app) as session:
        draft = Draft(text=text, identity_id=cast.business.identity_id, **kw)  # type: ignore[arg-type]
        ticket = await lifecycle.submit(session, app.core, draft, cast.business)
        return ticket.code


async def ticket_in(app: App, cast: Cast, state: str, *, kind: str = "phan_anh") -> str:
    """A ticket of the thuế agency (or in triage) brought into `state` through allowed actions."""
    if state == "triage":
        return await submit(app, cast, text=TRIAGE_TEXT, kind=kind)
    code = await submit(app, cast, kind=kind, topic_id="thue_thanh_quyet_toan")
    core = app.core
    steps: dict[str, list[str]] = {
        "new": [],
        "in_progress": ["take"],
        "awaiting_info": ["take", "ask"],
        "resolved": ["take", "resolve"],
        "closed": ["take", "resolve", "close"],
        "rejected": ["reject"],
    }
    for step in steps[state]:
        async with session_of(app) as session:
            ticket = await lifecycle.get_ticket(session, code)
            assert ticket is not None
            if step == "take":
                await lifecycle.take(session, core, ticket, cast.officer)
            elif step == "ask":
                await lifecycle.ask(session, core, ticket, cast.officer, "Xin gửi bản chụp tờ khai")
            elif step == "resolve":
                outcome = "accepted" if kind == "kien_nghi" else None
                await lifecycle.resolve(session, core, ticket, cast.officer, "Đã hoàn thuế ngày 12/3", outcome)
            elif step == "close":
                await lifecycle.close(session, core, ticket, SYSTEM, "no_answer")
            else:
                await lifecycle.reject(session, core, ticket, cast.officer, "Không thuộc thẩm quyền")
    return code
