"""Ticket queries of the core: by code, by state, the export listing, attachments and submitters' identities."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Attachment, Identity, Ticket

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


async def identities(session: AsyncSession, ids: Collection[int]) -> Sequence[Identity]:
    """The identities with these ids."""
    return (await session.execute(select(Identity).where(Identity.id.in_(ids)))).scalars().all()


async def identities_of_persons(session: AsyncSession, persons: Collection[int]) -> Sequence[Identity]:
    """Every identity linked to one of these persons."""
    return (await session.execute(select(Identity).where(Identity.person_id.in_(persons)))).scalars().all()
