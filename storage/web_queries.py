"""Queries of the public site, open data, Open311 and metrics (read-only except API keys)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import ColumnElement, bindparam, func, or_, select, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import load_only

from storage.models import ApiKey, OutboxMessage, Ticket, TicketEvent

# Public pages, open data and Open311 never show a ticket the coordinator hid.
_PUBLIC = Ticket.hidden.is_(False)


# -- public site ----------------------------------------------------------------------------------------
async def latest_answers(session: AsyncSession, states: Collection[str], limit: int) -> Sequence[Ticket]:
    """The public tickets in `states` answered last, newest answer first."""
    query = (
        select(Ticket)
        .where(_PUBLIC, Ticket.state.in_(states), Ticket.resolved_at.is_not(None))
        .order_by(Ticket.resolved_at.desc())
        .limit(limit)
    )
    return (await session.execute(query)).scalars().all()


async def scorecard_tickets(
    session: AsyncSession,
    by: Literal["agency_id", "topic_id"],
    key: str,
    start: datetime | None,
    page: int,
    page_size: int,
) -> tuple[int, list[Ticket]]:
    """How many public tickets of one agency or topic (created since `start`), and one page of them, newest first."""
    conds = [_PUBLIC, getattr(Ticket, by) == key] + ([Ticket.created_at >= start] if start is not None else [])
    count = int((await session.execute(select(func.count()).select_from(Ticket).where(*conds))).scalar_one())
    query = (
        select(Ticket)
        .where(*conds)
        .order_by(Ticket.created_at.desc(), Ticket.id.desc())
        .offset((page - 1) * page_size)
        .limit(page_size)
    )
    return count, list((await session.execute(query)).scalars().all())


# -- open data ------------------------------------------------------------------------------------------
_HIDE_EVENT_COUNT = select(func.count()).where(TicketEvent.action == "hidden")


async def public_tickets_after(session: AsyncSession, last_id: int, limit: int) -> Sequence[Ticket]:
    """The next `limit` public tickets after id `last_id`, by id (keyset pagination)."""
    query = select(Ticket).where(_PUBLIC, Ticket.id > last_id).order_by(Ticket.id).limit(limit)
    return (await session.execute(query)).scalars().all()


async def hidden_ticket_count(session: AsyncSession) -> int:
    """How many tickets are hidden from public view."""
    return await ticket_count(session, Ticket.hidden.is_(True))


async def hide_event_count(session: AsyncSession) -> int:
    """How many times a ticket was hidden (events)."""
    return int((await session.execute(_HIDE_EVENT_COUNT)).scalar_one())


# -- Open311 and API keys -------------------------------------------------------------------------------
_REQUEST_COLUMNS = load_only(
    Ticket.id, Ticket.code, Ticket.kind, Ticket.state, Ticket.topic_id, Ticket.agency_id, Ticket.identity_id,
    Ticket.text, Ticket.contact_name, Ticket.contact_phone, Ticket.company, Ticket.tax_code, Ticket.commune_code,
    Ticket.confidential, Ticket.consent_publish, Ticket.publish_company, Ticket.hidden, Ticket.outcome,
    Ticket.created_at, Ticket.updated_at, Ticket.answer_due_at,
)  # fmt: skip


@dataclass(frozen=True)
class RequestFilters:
    """Open311 request-list filters; each one left None does not filter."""

    codes: Sequence[str] | None = None
    topic_ids: Sequence[str] | None = None
    created_from: datetime | None = None
    created_to: datetime | None = None
    states: Sequence[str] | None = None

    def conditions(self) -> list[ColumnElement[bool]]:
        """The SQL conditions of the filters that are set."""
        conds: list[ColumnElement[bool]] = []
        if self.codes is not None:
            conds.append(Ticket.code.in_(self.codes))
        if self.topic_ids is not None:
            conds.append(Ticket.topic_id.in_(self.topic_ids))
        if self.created_from is not None:
            conds.append(Ticket.created_at >= self.created_from)
        if self.created_to is not None:
            conds.append(Ticket.created_at <= self.created_to)
        if self.states is not None:
            conds.append(Ticket.state.in_(self.states))
        return conds


async def public_requests(session: AsyncSession, filters: RequestFilters, page: int, size: int) -> Sequence[Ticket]:
    """A page of public tickets matching the filters, newest first, with only the columns Open311 shows."""
    query = (
        select(Ticket)
        .options(_REQUEST_COLUMNS)
        .where(_PUBLIC, *filters.conditions())
        .order_by(Ticket.created_at.desc(), Ticket.id.desc())
        .offset((page - 1) * size)
        .limit(size)
    )
    return (await session.execute(query)).scalars().all()


async def extension_reasons(session: AsyncSession, ticket_ids: Collection[int]) -> dict[int, str | None]:
    """The reason of each extension of these tickets, by ticket id."""
    query = select(TicketEvent.ticket_id, TicketEvent.reason).where(
        TicketEvent.action == "extended", TicketEvent.ticket_id.in_(ticket_ids)
    )
    return dict((await session.execute(query)).tuples().all())


_KEY_BY_HASH = select(ApiKey).where(ApiKey.key_hash == bindparam("digest"))


async def api_key_by_hash(session: AsyncSession, digest: str) -> ApiKey | None:
    """The API key row (active or revoked) with this SHA-256 hash, if any."""
    return (await session.execute(_KEY_BY_HASH, {"digest": digest})).scalar_one_or_none()


async def active_api_keys(session: AsyncSession, name: str, key_id: int | None = None) -> Sequence[ApiKey]:
    """The keys not revoked that have this partner name (or this id)."""
    match = ApiKey.name == name
    if key_id is not None:
        match = or_(match, ApiKey.id == key_id)
    return (await session.execute(select(ApiKey).where(match, ApiKey.revoked_at.is_(None)))).scalars().all()


# -- health and metrics ---------------------------------------------------------------------------------
_PING = text("SELECT 1")
_OUTBOX_COUNTS = select(OutboxMessage.state, func.count()).group_by(OutboxMessage.state)
_OLDEST_PENDING = select(func.min(OutboxMessage.created_at)).where(OutboxMessage.state == "pending")


async def ping(session: AsyncSession) -> None:
    """A trivial round trip: raises when the database does not answer."""
    await session.execute(_PING)


async def ticket_count(session: AsyncSession, *conditions: ColumnElement[bool]) -> int:
    """How many tickets meet every condition (conditions on Ticket only)."""
    query = select(func.count()).select_from(Ticket).where(*conditions)
    return int((await session.execute(query)).scalar_one())


async def outbox_counts(session: AsyncSession) -> dict[str, int]:
    """How many outbox rows per state."""
    return {str(state): int(n) for state, n in (await session.execute(_OUTBOX_COUNTS)).all()}


async def oldest_pending_at(session: AsyncSession) -> datetime | None:
    """When the oldest pending outbox message was created, if any is pending."""
    return (await session.execute(_OLDEST_PENDING)).scalar_one()
