"""Storage on SQLite and PostgreSQL: migrations, model/migration parity, time zones, constraints, outbox, dedupe."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, inspect, select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.app import App, build, stop
from bot.channels.base import Delivery, Incoming, Outgoing, SendResult
from bot.core.notify import enqueue
from bot.core.outbox import RECORD_EVERY, OutboxSender
from storage.db import make_engine, make_sessionmaker, upgrade
from storage.models import Agency, Base, DialogState, KeyValue, OutboxMessage, ProcessedEvent, Ticket
from storage.officers import all_agencies
from tests.conftest import FakeClock, make_config

ICT = timezone(timedelta(hours=7))


@pytest.fixture
async def engine(db_url: str) -> AsyncIterator[AsyncEngine]:
    eng = make_engine(db_url)
    yield eng
    await eng.dispose()


def _diff(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, Base.metadata))


async def test_migrations_apply_from_empty_and_match_the_models(engine: AsyncEngine) -> None:
    await upgrade(engine)
    async with engine.connect() as conn:
        tables = set(await conn.run_sync(lambda c: inspect(c).get_table_names()))
        assert set(Base.metadata.tables) <= tables
        assert await conn.run_sync(_diff) == []
    await upgrade(engine)  # a second run is a no-op


async def test_aware_datetimes_round_trip_as_utc(engine: AsyncEngine) -> None:
    await upgrade(engine)
    maker = make_sessionmaker(engine)
    local = datetime(2026, 3, 10, 23, 30, 15, 123456, tzinfo=ICT)  # 16:30 UTC the same day
    naive = datetime(2026, 1, 1, 0, 0)
    async with maker() as session, session.begin():
        session.add(KeyValue(key="local", value={"a": 1}, updated_at=local))
        session.add(KeyValue(key="naive", value={}, updated_at=naive))
    async with maker() as session:
        rows = {r.key: r.updated_at for r in (await session.execute(select(KeyValue))).scalars()}
        found = (
            await session.execute(select(KeyValue.key).where(KeyValue.updated_at > local - timedelta(seconds=1)))
        ).all()
    assert rows["local"] == local and rows["local"].utcoffset() == timedelta(0)
    assert rows["local"].hour == 16 and rows["local"].microsecond == 123456
    assert rows["naive"] == naive.replace(tzinfo=UTC)
    assert [r[0] for r in found] == ["local"]


async def _ticket(session: Any, code: str, now: datetime) -> Ticket:
    ticket = Ticket(
        code=code,
        kind="phan_anh",
        state="new",
        agency_id="thue_tinh",
        source="console",
        text="Hoàn thuế chậm",
        created_at=now,
        updated_at=now,
        agency_since=now,
        ack_due_at=now,
        answer_due_at=now,
    )
    session.add(ticket)
    return ticket


async def test_tracking_code_is_unique(db_url: str, clock: FakeClock) -> None:
    app = await build(make_config(db_url), clock=clock, migrate=True)
    try:
        async with app.core.maker() as session, session.begin():
            await _ticket(session, "LS-7K3QX9", clock.now)
        with pytest.raises(IntegrityError):
            async with app.core.maker() as session, session.begin():
                await _ticket(session, "LS-7K3QX9", clock.now)
        async with app.core.maker() as session:
            assert (await session.execute(select(func.count()).select_from(Ticket))).scalar_one() == 1
    finally:
        await stop(app)


async def test_replicas_starting_together_on_an_empty_database_both_start(engine: AsyncEngine, db_url: str) -> None:
    """Both write the agencies of the rules at once (compose starts replicas together); chat bindings survive."""
    await upgrade(engine)
    apps = await asyncio.gather(*(build(make_config(db_url), migrate=False) for _ in range(4)))
    try:
        async with apps[0].core.maker() as session, session.begin():
            (await session.get_one(Agency, "thue_tinh")).group_chat_id = "-1001"
        again = await build(make_config(db_url), migrate=False)
        await stop(again)
        async with apps[0].core.maker() as session:
            names = {a.id: a.name for a in await all_agencies(session)}
            assert names == {a.id: a.name for a in apps[0].core.rules.agencies}
            assert (await session.get_one(Agency, "thue_tinh")).group_chat_id == "-1001"
    finally:
        for app in apps:
            await stop(app)


class RecordingChannel:
    """A channel that records deliveries, slowly enough for two senders to overlap."""

    name = "rec"

    def __init__(self, result: SendResult | None = None) -> None:
        self.delivered: list[tuple[int, str]] = []
        self.result = result or SendResult(ok=True, message_id="m")

    async def start(self) -> None:
        """Nothing to start."""

    async def stop(self) -> None:
        """Nothing to stop."""

    async def deliver(self, target: Delivery, message: Outgoing) -> SendResult:
        await asyncio.sleep(0.001)
        self.delivered.append((target.outbox_id, message.text))
        return self.result


async def _replies_queued(engine: AsyncEngine, chats: list[str]) -> async_sessionmaker[AsyncSession]:
    """A migrated database whose outbox holds a reply due now on the "rec" channel to each chat ("tin 0", "tin 1" …)."""
    await upgrade(engine)
    maker = make_sessionmaker(engine)
    now = datetime.now(UTC)
    async with maker() as session, session.begin():
        for i, chat in enumerate(chats):
            enqueue(session, now, channel="rec", chat_id=chat, audience="reply", message=Outgoing(f"tin {i}"))
    return maker


async def test_outbox_rows_are_claimed_and_delivered_once(engine: AsyncEngine) -> None:
    maker = await _replies_queued(engine, ["c1"] * 30)
    now = datetime.now(UTC)
    async with maker() as session, session.begin():
        enqueue(session, now, channel="rec", chat_id="c2", audience="agency", message=Outgoing("giữ"), held=True)
        enqueue(session, now, channel="other", chat_id="c3", audience="reply", message=Outgoing("kênh khác"))
    channel = RecordingChannel()
    senders = [OutboxSender(maker, {"rec": channel}, batch=7) for _ in range(3)]

    async def drain(sender: OutboxSender) -> None:
        await sender.drain()

    await asyncio.gather(*(drain(s) for s in senders))
    ids = [i for i, _ in channel.delivered]
    assert len(ids) == 30 and len(set(ids)) == 30
    async with maker() as session:
        states = dict(
            (await session.execute(select(OutboxMessage.state, func.count()).group_by(OutboxMessage.state)))
            .tuples()
            .all()
        )
        sent = (await session.execute(select(OutboxMessage).where(OutboxMessage.state == "sent").limit(1))).scalar_one()
    assert states == {"sent": 30, "held": 1, "pending": 1}
    assert sent.platform_message_id == "m" and sent.attempts == 1 and sent.sent_at is not None
    assert await senders[0].run_once() == 0  # nothing is sent twice


class Killed(BaseException):
    """The process died (SIGKILL): nothing after this runs, not even an `except Exception`."""


class DyingChannel(RecordingChannel):
    """Delivers until the `fatal`-th message reaches the chat, then the process dies before the answer."""

    def __init__(self, fatal: int) -> None:
        super().__init__()
        self.fatal = fatal

    async def deliver(self, target: Delivery, message: Outgoing) -> SendResult:
        result = await super().deliver(target, message)
        if len(self.delivered) == self.fatal:
            raise Killed
        return result


async def test_a_crash_mid_burst_leaves_at_most_record_every_messages_to_send_again(engine: AsyncEngine) -> None:
    maker = await _replies_queued(engine, [f"c{i}" for i in range(40)])
    dying = DyingChannel(fatal=23)  # a burst of 23 fast deliveries, well inside RECORD_SECONDS
    with pytest.raises(Killed):
        await OutboxSender(maker, {"rec": dying}).run_once()
    async with maker() as session:
        sent = set((await session.execute(select(OutboxMessage.id).where(OutboxMessage.state == "sent"))).scalars())
    resent = [i for i, _ in dying.delivered if i not in sent]  # reached the chat, not recorded: will go again
    assert 1 <= len(resent) <= RECORD_EVERY, resent
    assert len(sent) == 23 - len(resent)


async def test_a_stale_claim_is_retried_and_a_live_one_is_not(engine: AsyncEngine) -> None:
    await upgrade(engine)
    maker = make_sessionmaker(engine)
    now = datetime.now(UTC)
    async with maker() as session, session.begin():
        enqueue(session, now, channel="rec", chat_id="c", audience="reply", message=Outgoing("đang gửi"))
        enqueue(session, now, channel="rec", chat_id="c", audience="reply", message=Outgoing("bị bỏ dở"))
        live, dead = (await session.execute(select(OutboxMessage).order_by(OutboxMessage.id))).scalars()
        live.state, live.next_attempt_at = "sending", now + timedelta(seconds=50)
        dead.state, dead.next_attempt_at = "sending", now - timedelta(seconds=1)
    channel = RecordingChannel()
    await OutboxSender(maker, {"rec": channel}).drain()
    assert [text for _, text in channel.delivered] == ["bị bỏ dở"]


async def test_transient_failure_backs_off_and_permanent_failure_stops(engine: AsyncEngine) -> None:
    await upgrade(engine)
    maker = make_sessionmaker(engine)
    now = datetime.now(UTC)
    async with maker() as session, session.begin():
        enqueue(session, now, channel="rec", chat_id="c", audience="reply", message=Outgoing("a"))
    flaky = RecordingChannel(SendResult(ok=False, error="timeout"))
    sender = OutboxSender(maker, {"rec": flaky})
    await sender.drain()
    assert len(flaky.delivered) == 1  # not retried immediately
    async with maker() as session:
        row = (await session.execute(select(OutboxMessage))).scalar_one()
    assert (row.state, row.attempts, row.last_error) == ("pending", 1, "timeout")
    assert row.next_attempt_at > now
    blocked = RecordingChannel(SendResult(ok=False, permanent=True, error="blocked"))
    async with maker() as session, session.begin():
        (await session.execute(select(OutboxMessage))).scalar_one().next_attempt_at = now
    await OutboxSender(maker, {"rec": blocked}).drain()
    async with maker() as session:
        row = (await session.execute(select(OutboxMessage))).scalar_one()
    assert (row.state, row.last_error) == ("failed", "blocked")


async def test_a_redelivered_event_changes_nothing(db_url: str, clock: FakeClock) -> None:
    app: App = await build(make_config(db_url), clock=clock, migrate=True)
    try:
        msg = Incoming(channel="console", user_id="u1", chat_id="u1", text="Xin hoàn thuế GTGT quý 4", event_id="42")
        assert await app.dispatcher.handle(msg) is True
        clock.advance(minutes=5)
        assert await app.dispatcher.handle(msg) is False
        other = Incoming(channel="other", user_id="u1", chat_id="u1", text="/help", event_id="42")
        assert await app.dispatcher.handle(other) is True  # ids are per channel
        async with app.core.maker() as session:
            outbox = (await session.execute(select(func.count()).select_from(OutboxMessage))).scalar_one()
            events = (await session.execute(select(func.count()).select_from(ProcessedEvent))).scalar_one()
            dialog = await session.get(DialogState, ("console", "u1"))
        assert outbox == 2 and events == 2
        assert dialog is not None and dialog.step == "kind" and dialog.data["text"] == "Xin hoàn thuế GTGT quý 4"
        assert dialog.updated_at == clock.now - timedelta(minutes=5)
    finally:
        await stop(app)


async def test_sqlite_writers_in_two_processes_wait_for_each_other(tmp_path: Any) -> None:
    """WAL, a busy timeout and foreign keys on every connection: concurrent writers from two engines (as two
    replicas or the CLI next to `pcibot run`) all commit instead of failing with "database is locked"."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'busy.db'}"
    first, second = make_engine(url), make_engine(url)
    try:
        await upgrade(first)
        async with first.connect() as conn:
            pragmas = [(await conn.exec_driver_sql(f"PRAGMA {p}")).scalar() for p in ("journal_mode", "busy_timeout")]
            assert pragmas == ["wal", 10000]
            assert (await conn.exec_driver_sql("PRAGMA foreign_keys")).scalar() == 1

        async def write(engine: AsyncEngine, i: int) -> None:
            async with make_sessionmaker(engine)() as session, session.begin():
                session.add(KeyValue(key=f"k{i}", value={"i": i}, updated_at=datetime.now(UTC)))
                await session.flush()
                await asyncio.sleep(0.01)  # hold the write lock while the other engine tries to write

        await asyncio.gather(*(write(first if i % 2 else second, i) for i in range(20)))
        async with make_sessionmaker(first)() as session:
            assert (await session.execute(select(func.count()).select_from(KeyValue))).scalar_one() == 20
    finally:
        await first.dispose()
        await second.dispose()
