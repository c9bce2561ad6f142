"""Outbox queries: adding rows, dedupe keys, held rows released, due rows claimed, outcomes recorded."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Identity, OutboxMessage

# a Core insert on the table, built once: executemany in one round trip (the ORM would insert row by row
# on SQLite to fetch each new id, which nobody needs)
_INSERT_OUTBOX = insert(cast(Table, OutboxMessage.__table__))


async def add_outbox_rows(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    """Insert outbox rows (column values, all with the same keys) in one statement."""
    if rows:
        await session.execute(_INSERT_OUTBOX, rows)


async def dedupe_key_used(session: AsyncSession, key: str) -> bool:
    """Whether an outbox row with this dedupe key exists."""
    query = select(OutboxMessage.id).where(OutboxMessage.dedupe_key == key)
    return (await session.execute(query)).first() is not None


async def last_sent_payload(session: AsyncSession, channel: str, chat_id: str) -> dict[str, Any] | None:
    """The payload of the last message sent to a chat, if any."""
    query = (
        select(OutboxMessage.payload)
        .where(OutboxMessage.channel == channel, OutboxMessage.chat_id == chat_id, OutboxMessage.state == "sent")
        .order_by(OutboxMessage.id.desc())
        .limit(1)
    )
    return (await session.execute(query)).scalar_one_or_none()


async def release_held(session: AsyncSession, *, channel: str, chat_id: str, agency_id: str | None) -> int:
    """After a bind, send what was waiting for that agency (or the working group when agency_id is None)."""
    cond = (OutboxMessage.agency_id == agency_id) if agency_id else (OutboxMessage.audience == "working_group")
    result = await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.state == "held", cond)
        .values(state="pending", channel=channel, chat_id=chat_id)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def release_for_user(session: AsyncSession, state: str, channel: str, user_id: str, now: datetime) -> int:
    """Rows in `state` for the business (channel, user_id) become due now; how many."""
    identities = select(Identity.id).where(Identity.channel == channel, Identity.user_id == user_id)
    result = await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.state == state, OutboxMessage.identity_id.in_(identities))
        .values(state="pending", next_attempt_at=now)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def claim_due(
    session: AsyncSession, channels: Collection[str], now: datetime, until: datetime, limit: int
) -> list[OutboxMessage]:
    """Take up to `limit` due rows of `channels` until `until`, in one UPDATE … RETURNING, by id.

    A row is due when pending and its time has come, or claimed with a lapsed claim (the claimer died
    before recording a result); a row another sender took is not due.
    """
    due = or_(
        (OutboxMessage.state == "pending") & (OutboxMessage.next_attempt_at <= now),
        (OutboxMessage.state == "sending") & (OutboxMessage.next_attempt_at <= now),
    )
    ids = (
        select(OutboxMessage.id)
        .where(due, OutboxMessage.channel.in_(list(channels)))
        .order_by(OutboxMessage.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    rows = (
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(ids.scalar_subquery()), due)
            .values(state="sending", next_attempt_at=until)
            .returning(OutboxMessage)
            .execution_options(synchronize_session=False)
        )
    ).scalars()
    return sorted(rows, key=lambda row: row.id)


async def record_outcomes(session: AsyncSession, values: list[dict[str, object]]) -> None:
    """New column values of several rows, each with its "id" (by primary key, batched per set of columns)."""
    await session.execute(update(OutboxMessage), values)
