"""Deadline queries: reopenings, reminders already sent, agency heads, the sweep's heartbeat."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import KeyValue, Officer, ReminderSent, Ticket, TicketEvent

ReminderKey = tuple[int, str, str, datetime]  # (ticket id, deadline, agency id, due at)


async def last_reopenings(session: AsyncSession, ticket_ids: Collection[int]) -> dict[int, datetime]:
    """When each of these tickets was last reopened (those never reopened left out)."""
    if not ticket_ids:
        return {}
    rows = await session.execute(
        select(TicketEvent.ticket_id, func.max(TicketEvent.at))
        .where(TicketEvent.action == "reopen", TicketEvent.ticket_id.in_(ticket_ids))
        .group_by(TicketEvent.ticket_id)
    )
    return {int(tid): at for tid, at in rows.tuples()}


async def sent_levels(
    session: AsyncSession, deadlines: Collection[str], states: Collection[str]
) -> dict[ReminderKey, int]:
    """The highest reminder level sent per deadline window, for the tickets in `states`."""
    open_ids = select(Ticket.id).where(Ticket.state.in_(states))
    rows = await session.execute(
        select(
            ReminderSent.ticket_id,
            ReminderSent.deadline,
            ReminderSent.agency_id,
            ReminderSent.due_at,
            func.max(ReminderSent.level),
        )
        .where(ReminderSent.ticket_id.in_(open_ids), ReminderSent.deadline.in_(deadlines))
        .group_by(ReminderSent.ticket_id, ReminderSent.deadline, ReminderSent.agency_id, ReminderSent.due_at)
    )
    return {(int(tid), d, a, due): int(lvl) for tid, d, a, due, lvl in rows.tuples()}


async def reminded_in_state(session: AsyncSession, deadline: str, state: str) -> set[tuple[int, datetime]]:
    """(ticket id, due at) of the `deadline` reminders sent for the tickets now in `state`."""
    rows = await session.execute(
        select(ReminderSent.ticket_id, ReminderSent.due_at).where(
            ReminderSent.deadline == deadline,
            ReminderSent.ticket_id.in_(select(Ticket.id).where(Ticket.state == state)),
        )
    )
    return set(rows.tuples())


async def agency_heads(session: AsyncSession, agency_id: str) -> list[Officer]:
    """The agency's active heads that can be written to privately."""
    rows = await session.execute(
        select(Officer).where(
            Officer.agency_id == agency_id,
            Officer.role == "head",
            Officer.active.is_(True),
            Officer.chat_id.is_not(None),
        )
    )
    return list(rows.scalars())


async def put_value(session: AsyncSession, key: str, value: dict[str, Any], now: datetime) -> None:
    """Write a key/value row; an UPDATE statement is always sent (an ORM change to an equal value would be
    skipped), so the transaction holds SQLite's write lock from here on."""
    result = await session.execute(update(KeyValue).where(KeyValue.key == key).values(value=value, updated_at=now))
    if getattr(result, "rowcount", 0) == 0:
        session.add(KeyValue(key=key, value=value, updated_at=now))
        await session.flush()
