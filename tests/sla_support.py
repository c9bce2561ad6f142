"""Helpers for the SLA, digest and report tests: local times, tickets at given moments, bound chats, the outbox."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from bot.app import App
from bot.core import lifecycle
from bot.core.authz import SYSTEM, Actor
from bot.core.clock import TZ
from bot.core.lifecycle import Draft
from bot.core.notify import WORKING_GROUP_KEY
from storage.models import Agency, Identity, KeyValue, Officer, OutboxMessage, Ticket
from tests.conftest import FakeClock

WG_CHAT = "wg"


def vn(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A moment given in Lạng Sơn local time, as UTC."""
    return datetime(year, month, day, hour, minute, tzinfo=TZ).astimezone(UTC)


async def bind_chats(app: App) -> None:
    """Every agency gets a console group 'group-<id>', the working group gets 'wg'."""
    async with app.core.maker() as session, session.begin():
        for agency in (await session.execute(select(Agency))).scalars():
            agency.group_channel, agency.group_chat_id = "console", f"group-{agency.id}"
        session.add(
            KeyValue(key=WORKING_GROUP_KEY, value={"channel": "console", "chat_id": WG_CHAT}, updated_at=app.core.now())
        )


async def add_officer(app: App, agency_id: str, role: str, chat_id: str | None) -> Officer:
    """An officer or head of an agency, reachable privately at chat_id."""
    async with app.core.maker() as session, session.begin():
        officer = Officer(
            channel="console",
            user_id=f"{role}-{agency_id}-{chat_id}",
            chat_id=chat_id,
            display_name=role,
            agency_id=agency_id,
            role=role,
            active=True,
            created_at=app.core.now(),
        )
        session.add(officer)
    return officer


async def add_business(app: App, chat_id: str = "biz", language: str = "vi") -> Identity:
    """A business identity on the console channel."""
    async with app.core.maker() as session, session.begin():
        identity = Identity(
            channel="console",
            user_id=chat_id,
            chat_id=chat_id,
            language=language,
            unreachable=False,
            created_at=app.core.now(),
        )
        session.add(identity)
    return identity


async def submit(
    app: App,
    clock: FakeClock,
    at: datetime,
    *,
    agency: str = "so_tai_chinh",
    topic: str | None = "gia_nhap_thi_truong",
    identity_id: int | None = None,
) -> str:
    """Submit a ticket at a given moment; returns its code."""
    clock.now = at
    async with app.core.maker() as session, session.begin():
        ticket = await lifecycle.submit(
            session,
            app.core,
            Draft(text="Hồ sơ đăng ký doanh nghiệp bị trả lại nhiều lần", agency_id=agency, topic_id=topic,
                  identity_id=identity_id, created_at=at),
            SYSTEM,
        )
        return ticket.code


def officer_actor(officer: Officer) -> Actor:
    """The actor for an officer row."""
    return Actor(role=officer.role, ref=f"officer:{officer.id}", agency_id=officer.agency_id, officer_id=officer.id)


async def act(app: App, clock: FakeClock, at: datetime, code: str, action: str, *args: object,
              actor: Actor = SYSTEM) -> None:
    """Run one lifecycle action on a ticket at a given moment."""
    clock.now = at
    async with app.core.maker() as session, session.begin():
        ticket = await lifecycle.get_ticket(session, code)
        assert ticket is not None
        await getattr(lifecycle, action)(session, app.core, ticket, actor, *args)


async def ticket(app: App, code: str) -> Ticket:
    """A ticket as stored now."""
    async with app.core.maker() as session:
        found = await lifecycle.get_ticket(session, code)
        assert found is not None
        return found


class Outbox:
    """Reads outbox rows written after a mark."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.seen = 0

    async def new(self) -> list[OutboxMessage]:
        """Rows added since the last call."""
        async with self.app.core.maker() as session:
            query = select(OutboxMessage).where(OutboxMessage.id > self.seen).order_by(OutboxMessage.id)
            rows = list((await session.execute(query)).scalars())
        if rows:
            self.seen = rows[-1].id
        return rows

    async def skip(self) -> None:
        """Forget what is there so far (ticket cards, receipts)."""
        await self.new()


def texts(rows: list[OutboxMessage], chat_id: str | None = None) -> list[str]:
    """Message texts, optionally only those for one chat."""
    return [str(r.payload["text"]) for r in rows if chat_id is None or r.chat_id == chat_id]
