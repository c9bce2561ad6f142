"""Ticket queries: by code, state, business, agency chat or sent message; counts, threads, attachments, export."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Attachment, Message, OutboxMessage, Ticket, TicketCard

OPEN_STATES = frozenset({"triage", "new", "in_progress", "awaiting_info"})
_ORDER = {"id": Ticket.id, "paused_at": Ticket.paused_at, "resolved_at": Ticket.resolved_at}


async def ticket_by_code(session: AsyncSession, code: str) -> Ticket | None:
    """The ticket with this canonical code, if any."""
    return (await session.execute(select(Ticket).where(Ticket.code == code))).scalar_one_or_none()


async def code_taken(session: AsyncSession, code: str) -> bool:
    """Whether a ticket already has this code."""
    return (await session.execute(select(Ticket.id).where(Ticket.code == code))).first() is not None


async def tickets_in_states(
    session: AsyncSession, states: Collection[str], order_by: str | None = None
) -> Sequence[Ticket]:
    """Tickets in `states`, ordered by `order_by` ("id", "paused_at", "resolved_at") or in no given order."""
    query = select(Ticket).where(Ticket.state.in_(states))
    if order_by is not None:
        query = query.order_by(_ORDER[order_by])
    return (await session.execute(query)).scalars().all()


async def all_tickets(session: AsyncSession, *, public_only: bool = False) -> Sequence[Ticket]:
    """Every ticket (without the hidden ones with `public_only`), oldest first."""
    query = select(Ticket).order_by(Ticket.created_at)
    if public_only:
        query = query.where(Ticket.hidden.is_(False))
    return (await session.execute(query)).scalars().all()


async def any_ticket_before(session: AsyncSession, moment: datetime) -> bool:
    """Whether any ticket was created before `moment`."""
    query = select(Ticket.id).where(Ticket.created_at < moment).limit(1)
    return (await session.execute(query)).first() is not None


async def ticket_attachments(session: AsyncSession, ticket_id: int) -> Sequence[Attachment]:
    """The files a ticket came with."""
    return (await session.execute(select(Attachment).where(Attachment.ticket_id == ticket_id))).scalars().all()


async def recent_tickets(session: AsyncSession, identity_ids: Collection[int], limit: int = 10) -> Sequence[Ticket]:
    """A business's latest tickets, newest first."""
    query = select(Ticket).where(Ticket.identity_id.in_(identity_ids)).order_by(Ticket.created_at.desc())
    return (await session.execute(query.limit(limit))).scalars().all()


async def awaiting_tickets(session: AsyncSession, identity_ids: Collection[int]) -> list[Ticket]:
    """A business's tickets waiting for its information, the latest question first."""
    query = select(Ticket).where(Ticket.identity_id.in_(identity_ids), Ticket.state == "awaiting_info")
    return list((await session.execute(query.order_by(Ticket.paused_at.desc()))).scalars())


async def last_ticket_with_contact(session: AsyncSession, identity_id: int) -> Ticket | None:
    """The identity's latest ticket that recorded a phone number (to offer the same contact again)."""
    query = (
        select(Ticket)
        .where(Ticket.identity_id == identity_id, Ticket.contact_phone.is_not(None))
        .order_by(Ticket.created_at.desc())
        .limit(1)
    )
    return (await session.execute(query)).scalar_one_or_none()


async def ticket_of_sent_message(session: AsyncSession, channel: str, chat_id: str, message_id: str) -> int | None:
    """The ticket a message the bot sent was about (its outbox row knows), if any."""
    query = select(OutboxMessage.ticket_id).where(
        OutboxMessage.channel == channel,
        OutboxMessage.chat_id == chat_id,
        OutboxMessage.platform_message_id == message_id,
    )
    return (await session.execute(query.limit(1))).scalar_one_or_none()


async def ticket_of_card(
    session: AsyncSession, channel: str, chat_id: str, *, thread_id: str | None = None, message_id: str | None = None
) -> int | None:
    """The ticket whose forum topic (`thread_id`) or card message (`message_id`) is in this agency chat."""
    cond = TicketCard.thread_id == thread_id if thread_id else TicketCard.message_id == message_id
    query = (
        select(TicketCard.ticket_id)
        .where(TicketCard.channel == channel, TicketCard.chat_id == chat_id, cond)
        .order_by(TicketCard.id.desc())
        .limit(1)
    )
    return (await session.execute(query)).scalar_one_or_none()


async def open_tickets(
    session: AsyncSession, states: Collection[str], agency_id: str | None = None, limit: int = 30
) -> Sequence[Ticket]:
    """Tickets in `states` (of one agency, or all), nearest answer deadline first."""
    query = select(Ticket).where(Ticket.state.in_(states)).order_by(Ticket.answer_due_at).limit(limit)
    if agency_id is not None:
        query = query.where(Ticket.agency_id == agency_id)
    return (await session.execute(query)).scalars().all()


async def overdue_tickets(
    session: AsyncSession, states: Collection[str], now: datetime, limit: int = 50
) -> Sequence[Ticket]:
    """Tickets in `states` past their answer deadline, oldest deadline first."""
    query = select(Ticket).where(Ticket.state.in_(states), Ticket.answer_due_at < now).order_by(Ticket.answer_due_at)
    return (await session.execute(query.limit(limit))).scalars().all()


async def ticket_messages(session: AsyncSession, ticket_id: int) -> Sequence[Message]:
    """A ticket's thread of messages, in order."""
    query = select(Message).where(Message.ticket_id == ticket_id).order_by(Message.id)
    return (await session.execute(query)).scalars().all()


async def ticket_counts(session: AsyncSession, by: str, states: Collection[str] | None = None) -> dict[str, int]:
    """How many tickets per `by` ("state" or "agency_id"), optionally only those in `states`."""
    column = getattr(Ticket, by)
    query = select(column, func.count()).group_by(column)
    if states is not None:
        query = query.where(Ticket.state.in_(states))
    return {str(key): int(n) for key, n in (await session.execute(query)).tuples()}
