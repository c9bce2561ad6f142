"""Deadline queries: reopenings and the reminders already sent."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ReminderSent, Ticket, TicketEvent

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
