"""Statistics queries: period conditions on tickets and per (agency, topic) aggregates, grouped in SQL."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, or_, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Ticket, TicketEvent
from storage.tickets import OPEN_STATES
from storage.web_queries import ticket_count

ANSWERED_STATES = ("resolved", "closed")
# Only resolved/closed tickets keep a resolved_at that stands; only refused ones (besides closed) a closed_at.
_NOT_ANSWERED = (*sorted(OPEN_STATES), "rejected")
_NEVER = datetime(9999, 1, 1, tzinfo=UTC)
UNCLASSIFIED = "unclassified"
Row = tuple[Any, ...]


def _in_period(col: Any, start: datetime | None, end: datetime) -> ColumnElement[bool]:
    return and_(col >= start, col < end) if start is not None else col < end


def answered_between(start: datetime | None, end: datetime) -> ColumnElement[bool]:
    """SQL condition: the ticket's standing answer was given in [start, end).

    An answer is the resolution, or the reasoned refusal of an out-of-scope item; a ticket open again
    (reopened) has no standing answer. States are tested with NOT IN so that the planners use the date
    indexes (an IN on `state` would match most of the table).
    """
    return or_(
        and_(_in_period(Ticket.resolved_at, start, end), Ticket.state.not_in(_NOT_ANSWERED)),
        and_(_in_period(Ticket.closed_at, start, end), Ticket.state.not_in(ANSWERED_STATES)),  # refused
    )


def _open_branches(end: datetime) -> list[ColumnElement[bool]]:
    """Disjoint conditions, each with its own indexed column: open now (state), answered (resolved_at) or
    refused (closed_at) only after `end`."""
    return [
        and_(Ticket.state.in_(sorted(OPEN_STATES)), Ticket.created_at < end),
        # closed ranges: SQLite (no statistics) then prefers these indexes to created_at's open range
        and_(Ticket.resolved_at.between(end, _NEVER), Ticket.state.not_in(_NOT_ANSWERED), Ticket.created_at < end),
        and_(Ticket.closed_at.between(end, _NEVER), Ticket.state.not_in(ANSWERED_STATES), Ticket.created_at < end),
    ]


def open_at(end: datetime) -> ColumnElement[bool]:
    """SQL condition: the ticket existed at `end` and had no answer yet (or is open again now)."""
    return or_(*_open_branches(end))


def overdue_at(end: datetime) -> ColumnElement[bool]:
    """SQL condition (with open_at): past the answer deadline at `end`.

    A ticket paused (awaiting the business) before its deadline is not overdue — its deadline moves when
    the business answers; a question asked after the deadline does not hide the delay.
    """
    return and_(
        Ticket.answer_due_at < end,
        or_(Ticket.paused_at.is_(None), Ticket.paused_at > Ticket.answer_due_at),
    )


_ANSWER_AT = case((Ticket.state == "rejected", Ticket.closed_at), else_=Ticket.resolved_at)
_TOPIC = func.coalesce(Ticket.topic_id, UNCLASSIFIED)
_KEY = (Ticket.agency_id, _TOPIC)


async def _rows(session: AsyncSession, stmt: Any) -> list[Row]:
    return [tuple(row) for row in (await session.execute(stmt)).all()]


async def received(session: AsyncSession, start: datetime | None, end: datetime) -> list[Row]:
    """(agency, topic, tickets received in the period)."""
    stmt = select(*_KEY, func.count()).where(_in_period(Ticket.created_at, start, end)).group_by(*_KEY)
    return await _rows(session, stmt)


async def answered(session: AsyncSession, start: datetime | None, end: datetime) -> list[Row]:
    """(agency, topic, answered in the period, of them on time, of them resolved)."""
    on_time = func.sum(case((_ANSWER_AT <= Ticket.answer_due_at, 1), else_=0))
    resolved = func.sum(case((Ticket.state.in_(ANSWERED_STATES), 1), else_=0))
    stmt = select(*_KEY, func.count(), on_time, resolved).where(answered_between(start, end)).group_by(*_KEY)
    return await _rows(session, stmt)


async def outcomes(session: AsyncSession, start: datetime | None, end: datetime) -> list[Row]:
    """(agency, topic, outcome, count) of the recommendations whose standing answer was given in the period."""
    stmt = (
        select(*_KEY, Ticket.outcome, func.count())
        .where(answered_between(start, end), Ticket.outcome.is_not(None))
        .group_by(*_KEY, Ticket.outcome)
    )
    return await _rows(session, stmt)


async def open_and_overdue(session: AsyncSession, end: datetime) -> list[Row]:
    """(agency, topic, open at `end`, of them overdue)."""
    # one branch per index, glued with UNION ALL: planners will not combine indexes for an OR with GROUP BY
    late_flag = case((overdue_at(end), 1), else_=0).label("late")
    branches = union_all(
        *(select(Ticket.agency_id.label("a"), _TOPIC.label("tp"), late_flag).where(c) for c in _open_branches(end))
    ).subquery()
    stmt = select(branches.c.a, branches.c.tp, func.count(), func.sum(branches.c.late)).group_by(
        branches.c.a, branches.c.tp
    )
    return await _rows(session, stmt)


async def ratings(session: AsyncSession, start: datetime | None, end: datetime) -> list[Row]:
    """(agency, topic, sum of ratings, number of ratings) of the tickets rated in the period."""
    rated = select(TicketEvent.ticket_id).where(TicketEvent.action == "rated", _in_period(TicketEvent.at, start, end))
    stmt = (
        select(*_KEY, func.sum(Ticket.rating), func.count(Ticket.rating))
        .where(Ticket.rating.is_not(None), Ticket.id.in_(rated))
        .group_by(*_KEY)
    )
    return await _rows(session, stmt)


async def handling_events(session: AsyncSession, start: datetime | None, end: datetime) -> list[Row]:
    """(owning agency, topic, action, count) of transfers, extensions and reopenings in the period.

    A transfer belongs to the agency that handed the ticket over; extensions and reopenings to its agency.
    """
    owner = case((TicketEvent.action == "transfer", TicketEvent.from_agency), else_=Ticket.agency_id)
    stmt = (
        select(owner, _TOPIC, TicketEvent.action, func.count())
        .join(Ticket, Ticket.id == TicketEvent.ticket_id)
        .where(TicketEvent.action.in_(("transfer", "extended", "reopen")), _in_period(TicketEvent.at, start, end))
        .group_by(owner, _TOPIC, TicketEvent.action)
    )
    return await _rows(session, stmt)


async def first_responses(session: AsyncSession, start: datetime | None, end: datetime) -> list[Row]:
    """(agency, topic, created at, first response at) of the tickets first answered in the period."""
    stmt = select(*_KEY, Ticket.created_at, Ticket.first_response_at).where(
        _in_period(Ticket.first_response_at, start, end)
    )
    return await _rows(session, stmt)


async def moves_of_received(session: AsyncSession, start: datetime, end: datetime) -> list[Row]:
    """(ticket id, state moved to) of every move before `end` of the tickets received in [start, end), in order."""
    stmt = (
        select(TicketEvent.ticket_id, TicketEvent.to_state)
        .join(Ticket, Ticket.id == TicketEvent.ticket_id)
        .where(
            _in_period(Ticket.created_at, start, end),
            TicketEvent.at < end,
            TicketEvent.to_state.is_not(None),
        )
        .order_by(TicketEvent.at, TicketEvent.id)
    )
    return await _rows(session, stmt)


async def overdue_count(session: AsyncSession, now: datetime) -> int:
    """Tickets open and past their answer deadline now."""
    return await ticket_count(session, open_at(now), overdue_at(now))


async def active_tickets(session: AsyncSession, start: datetime, end: datetime) -> Sequence[Ticket]:
    """Tickets received, answered in [start, end) or still open at its end, oldest first."""
    active = or_(_in_period(Ticket.created_at, start, end), answered_between(start, end), open_at(end))
    return (await session.execute(select(Ticket).where(active).order_by(Ticket.created_at, Ticket.id))).scalars().all()
