"""Queries of the retention purge: closed tickets past retention, their messages, files, outbox rows and identities."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, and_, delete, exists, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    AbuseEvent,
    Attachment,
    DialogState,
    Identity,
    LinkCode,
    Message,
    OutboxMessage,
    Ticket,
    TicketEvent,
)

PURGED = "purged"


async def closed_unpurged_before(session: AsyncSession, cutoff: datetime, limit: int) -> Sequence[Ticket]:
    """Up to `limit` tickets closed before `cutoff` whose personal data has not been purged yet, oldest first."""
    already = exists().where(TicketEvent.ticket_id == Ticket.id, TicketEvent.action == PURGED)
    stmt = (
        select(Ticket)
        .where(Ticket.state == "closed", Ticket.closed_at < cutoff, ~already)
        .order_by(Ticket.closed_at, Ticket.id)
        .limit(limit)
    )
    return (await session.execute(stmt)).scalars().all()


async def count_closed_unpurged_before(session: AsyncSession, cutoff: datetime) -> int:
    """How many tickets a purge at `cutoff` would anonymise."""
    already = exists().where(TicketEvent.ticket_id == Ticket.id, TicketEvent.action == PURGED)
    stmt = select(func.count()).select_from(Ticket).where(Ticket.state == "closed", Ticket.closed_at < cutoff, ~already)
    return int((await session.execute(stmt)).scalar_one())


async def ticket_messages(session: AsyncSession, ticket_ids: Collection[int]) -> Sequence[Message]:
    """Every message of these tickets, to be rewritten without personal data."""
    return (await session.execute(select(Message).where(Message.ticket_id.in_(ticket_ids)))).scalars().all()


async def drop_ticket_files(session: AsyncSession, ticket_ids: Collection[int]) -> None:
    """Forget the files the businesses sent (platform file references) for these tickets."""
    await session.execute(delete(Attachment).where(Attachment.ticket_id.in_(ticket_ids)))


IN_FLIGHT = ("sending", "processing")


async def blank_outbox(session: AsyncSession, ticket_ids: Collection[int]) -> None:
    """Empty the messages about these tickets (the rows stay as a record)."""
    await _blank(session, OutboxMessage.ticket_id.in_(ticket_ids))


async def _blank(session: AsyncSession, which: ColumnElement[bool]) -> None:
    """Empty these outbox rows, except those being sent right now; one still waiting is given up."""
    rows = and_(which, OutboxMessage.state.not_in(IN_FLIGHT))
    await session.execute(
        update(OutboxMessage).where(rows, OutboxMessage.state == "pending").values(state="failed")
    )
    await session.execute(
        update(OutboxMessage).where(rows).values(payload={}, last_error=PURGED, identity_id=None, chat_id="")
    )


async def forget_idle_identities(session: AsyncSession, cutoff: datetime) -> int:
    """Anonymise chat identities with no ticket left and no message since `cutoff`; drop their dialogs and codes."""
    has_ticket = exists().where(Ticket.identity_id == Identity.id)
    never_wrote = and_(Identity.last_inbound_at.is_(None), Identity.created_at < cutoff)
    idle = or_(Identity.last_inbound_at < cutoff, never_wrote)
    rows = (
        await session.execute(
            select(Identity.id, Identity.channel, Identity.user_id).where(
                ~has_ticket, idle, ~Identity.user_id.startswith(PURGED + ":")
            )
        )
    ).all()
    if not rows:
        return 0
    ids = [row.id for row in rows]
    for row in rows:
        await session.execute(
            delete(DialogState).where(DialogState.channel == row.channel, DialogState.user_id == row.user_id)
        )
    await session.execute(delete(LinkCode).where(LinkCode.identity_id.in_(ids)))
    await _blank(session, OutboxMessage.identity_id.in_(ids))
    for identity_id in ids:
        marker = f"{PURGED}:{identity_id}"
        await session.execute(
            update(Identity)
            .where(Identity.id == identity_id)
            .values(user_id=marker, chat_id=marker, display_name="", person_id=None, unreachable_reason=None)
        )
    return len(ids)


async def forget_abuse_senders(session: AsyncSession, cutoff: datetime) -> None:
    """Take the users and chats out of abuse-log rows older than `cutoff` (the counts on /metrics stay)."""
    old = and_(AbuseEvent.at < cutoff, AbuseEvent.user_id != PURGED)
    await session.execute(update(AbuseEvent).where(old).values(user_id=PURGED, chat_id=PURGED))
