"""Period statistics per agency or topic, aggregated in SQL; shared by the digest, the reports and the public page."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from statistics import median
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.clock import parse_hours
from bot.core.i18n import t
from bot.core.lifecycle import OPEN_STATES
from bot.core.services import Core
from storage.models import Ticket, TicketEvent

__all__ = ["BY", "GroupStats", "answered_between", "compute_stats", "on_time_rate", "open_at"]

BY = ("agency", "topic", "all")
ANSWERED_STATES = ("resolved", "closed")
UNCLASSIFIED = "unclassified"
ALL = "all"


def on_time_rate(answered_on_time: int, answered: int, open_overdue: int) -> float | None:
    """Answered on time ÷ (answered + open overdue): leaving an item unanswered cannot hide it. None if 0/0."""
    denominator = answered + open_overdue
    return answered_on_time / denominator if denominator else None


@dataclass(frozen=True)
class GroupStats:
    """What happened in a period for one agency, one topic, or everything (key "all")."""

    key: str
    name: str
    received: int
    answered: int
    answered_on_time: int
    resolved: int
    open: int
    open_overdue: int
    on_time_rate: float | None
    median_first_response_hours: float | None
    transfers_out: int
    extensions: int
    avg_rating: float | None
    reopened: int


def _in_period(col: Any, start: datetime | None, end: datetime) -> ColumnElement[bool]:
    return and_(col >= start, col < end) if start is not None else col < end


def answered_between(start: datetime | None, end: datetime) -> ColumnElement[bool]:
    """SQL condition: the ticket's standing answer was given in [start, end).

    An answer is the resolution, or the reasoned refusal of an out-of-scope item; a ticket open again
    (reopened) has no standing answer.
    """
    return or_(
        and_(Ticket.state.in_(ANSWERED_STATES), _in_period(Ticket.resolved_at, start, end)),
        and_(Ticket.state == "rejected", _in_period(Ticket.closed_at, start, end)),
    )


def open_at(end: datetime) -> ColumnElement[bool]:
    """SQL condition: the ticket existed at `end` and had no answer yet (or is open again now)."""
    return and_(
        Ticket.created_at < end,
        or_(
            Ticket.state.in_(sorted(OPEN_STATES)),
            and_(Ticket.state.in_(ANSWERED_STATES), Ticket.resolved_at >= end),
            and_(Ticket.state == "rejected", Ticket.closed_at >= end),
        ),
    )


def overdue_at(end: datetime) -> ColumnElement[bool]:
    """SQL condition (with open_at): past the answer deadline at `end`.

    A ticket paused (awaiting the business) before its deadline is not overdue — its deadline moves when
    the business answers; a question asked after the deadline does not hide the delay.
    """
    return and_(
        Ticket.answer_due_at < end,
        or_(Ticket.paused_at.is_(None), Ticket.paused_at > Ticket.answer_due_at),
    )


_ANSWER_AT = case(
    (Ticket.state == "rejected", Ticket.closed_at),
    else_=Ticket.resolved_at,
)


def _ticket_key(by: str) -> ColumnElement[Any]:
    if by == "agency":
        return Ticket.agency_id.expression
    if by == "topic":
        return func.coalesce(Ticket.topic_id, UNCLASSIFIED)
    return literal(ALL)


async def _rows(session: AsyncSession, stmt: Any) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in (await session.execute(stmt)).all()]


def _grouped(stmt: Any, key: ColumnElement[Any], by: str) -> Any:
    return stmt if by == ALL else stmt.group_by(key)


async def compute_stats(
    session: AsyncSession, core: Core, start: datetime | None, end: datetime, by: str = "agency"
) -> list[GroupStats]:
    """Statistics of the period [start, end) (start None = since the beginning), one entry per group.

    `by` is "agency" (the ticket's current agency; transfers counted for the agency that passed it on),
    "topic" (PCI sub-index / BPI area, "unclassified" for none) or "all" (one total). Counting happens in
    SQL; only the first-response times of the period are fetched, to measure them in working hours.
    Groups with nothing to report are left out; known agencies/topics come in routing_rules.yaml order.
    """
    if by not in BY:
        raise ValueError(f"by must be one of {', '.join(BY)}, got {by!r}")
    key = _ticket_key(by).label("k")
    received = dict(
        await _rows(
            session,
            _grouped(select(key, func.count()).where(_in_period(Ticket.created_at, start, end)), key, by),
        )
    )
    on_time = case((_ANSWER_AT <= Ticket.answer_due_at, 1), else_=0)
    resolved_flag = case((Ticket.state.in_(ANSWERED_STATES), 1), else_=0)
    answered = {
        k: (n, int(ok or 0), int(res or 0))
        for k, n, ok, res in await _rows(
            session,
            _grouped(
                select(key, func.count(), func.sum(on_time), func.sum(resolved_flag)).where(
                    answered_between(start, end)
                ),
                key,
                by,
            ),
        )
    }
    overdue_flag = case((overdue_at(end), 1), else_=0)
    opened = {
        k: (n, int(late or 0))
        for k, n, late in await _rows(
            session, _grouped(select(key, func.count(), func.sum(overdue_flag)).where(open_at(end)), key, by)
        )
    }
    events = await _event_counts(session, start, end, by)
    ratings = {
        k: float(avg)
        for k, avg in await _rows(
            session,
            _grouped(
                select(key, func.avg(Ticket.rating)).where(
                    Ticket.rating.is_not(None),
                    Ticket.id.in_(
                        select(TicketEvent.ticket_id).where(
                            TicketEvent.action == "rated", _in_period(TicketEvent.at, start, end)
                        )
                    ),
                ),
                key,
                by,
            ),
        )
        if avg is not None
    }
    medians = await _median_first_response(session, core, start, end, key, by)
    keys = set(received) | set(answered) | set(opened) | set(ratings) | set(medians)
    keys |= {k for (k, _action) in events}
    result = []
    for k in _ordered(core, by, keys):
        n_answered, n_on_time, n_resolved = answered.get(k, (0, 0, 0))
        n_open, n_overdue = opened.get(k, (0, 0))
        result.append(
            GroupStats(
                key=k,
                name=_name(core, by, k),
                received=int(received.get(k, 0)),
                answered=int(n_answered),
                answered_on_time=n_on_time,
                resolved=n_resolved,
                open=int(n_open),
                open_overdue=n_overdue,
                on_time_rate=on_time_rate(n_on_time, int(n_answered), n_overdue),
                median_first_response_hours=medians.get(k),
                transfers_out=events.get((k, "transfer"), 0),
                extensions=events.get((k, "extended"), 0),
                avg_rating=ratings.get(k),
                reopened=events.get((k, "reopen"), 0),
            )
        )
    return result


async def _event_counts(
    session: AsyncSession, start: datetime | None, end: datetime, by: str
) -> dict[tuple[str, str], int]:
    """(group, action) → events in the period: transfers (by the agency handing over), extensions, reopenings."""
    period = _in_period(TicketEvent.at, start, end)
    counts: dict[tuple[str, str], int] = defaultdict(int)
    if by == "agency":
        rows = await _rows(
            session,
            select(TicketEvent.from_agency, literal("transfer"), func.count())
            .where(TicketEvent.action == "transfer", period)
            .group_by(TicketEvent.from_agency),
        )
        actions: tuple[str, ...] = ("extended", "reopen")
    else:
        rows = []
        actions = ("transfer", "extended", "reopen")
    key = _ticket_key(by).label("k")
    stmt = (
        select(key, TicketEvent.action, func.count())
        .join(Ticket, Ticket.id == TicketEvent.ticket_id)
        .where(TicketEvent.action.in_(actions), period)
    )
    rows += await _rows(
        session, stmt.group_by(TicketEvent.action) if by == ALL else stmt.group_by(key, TicketEvent.action)
    )
    for k, action, n in rows:
        if k is not None:
            counts[(str(k), str(action))] += int(n)
    return counts


async def _median_first_response(
    session: AsyncSession,
    core: Core,
    start: datetime | None,
    end: datetime,
    key: ColumnElement[Any],
    by: str,
) -> dict[str, float]:
    """Median working hours from submission to the agency's first response, for responses in the period."""
    hours = parse_hours(core.rules.reminders.notify_hours)
    rows = await _rows(
        session,
        select(key, Ticket.created_at, Ticket.first_response_at).where(
            _in_period(Ticket.first_response_at, start, end)
        ),
    )
    samples: dict[str, list[float]] = defaultdict(list)
    for k, created, first in rows:
        samples[str(k)].append(core.calendar.working_hours_between(created, first, hours))
    return {k: float(median(v)) for k, v in samples.items()}


def _ordered(core: Core, by: str, keys: Iterable[str | None]) -> list[str]:
    present = {str(k) for k in keys if k is not None}
    if by == "agency":
        known = list(core.rules.agencies_by_id)
    elif by == "topic":
        known = [*core.rules.topics_by_id, UNCLASSIFIED]
    else:
        known = [ALL]
    return [k for k in known if k in present] + sorted(present - set(known))


def _name(core: Core, by: str, key: str) -> str:
    if by == "agency":
        agency = core.rules.agencies_by_id.get(key)
        return agency.name if agency else key
    if by == "topic":
        topic = core.rules.topics_by_id.get(key)
        if topic is None:
            return t("topic_none", "vi")
        return topic.display_name(core.rules.settings.pci_edition)
    return "Toàn tỉnh"
