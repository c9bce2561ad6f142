"""Period statistics per agency or topic, aggregated in SQL; shared by the digest, the reports and the public page."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from statistics import median
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, or_, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.clock import TZ, WorkingCalendar, parse_hours
from bot.core.i18n import t
from bot.core.lifecycle import OPEN_STATES
from bot.core.services import Core
from storage.models import Ticket, TicketEvent

__all__ = ["BY", "GroupStats", "answered_between", "compute_many", "compute_stats", "on_time_rate", "open_at"]

BY = ("agency", "topic", "all")
ANSWERED_STATES = ("resolved", "closed")
# Only resolved/closed tickets keep a resolved_at that stands; only refused ones (besides closed) a closed_at.
_NOT_ANSWERED = (*sorted(OPEN_STATES), "rejected")
_NEVER = datetime(9999, 1, 1, tzinfo=UTC)
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
Pair = tuple[str, str]  # (agency id, topic id or "unclassified")


@dataclass
class _Acc:
    """Counters of one (agency, topic) pair, or of a roll-up of pairs."""

    received: int = 0
    answered: int = 0
    on_time: int = 0
    resolved: int = 0
    open: int = 0
    overdue: int = 0
    rating_sum: float = 0.0
    rating_n: int = 0
    transfers: int = 0
    extensions: int = 0
    reopened: int = 0
    hours: list[float] = field(default_factory=list)

    def add(self, other: _Acc) -> None:
        for name in ("received", "answered", "on_time", "resolved", "open", "overdue", "rating_n",
                     "transfers", "extensions", "reopened"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.rating_sum += other.rating_sum
        self.hours += other.hours


async def _rows(session: AsyncSession, stmt: Any) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in (await session.execute(stmt)).all()]


async def _pairs(session: AsyncSession, core: Core, start: datetime | None, end: datetime) -> dict[Pair, _Acc]:
    """Every counter of the period per (agency, topic): one query per measure, grouped in SQL."""
    acc: dict[Pair, _Acc] = defaultdict(_Acc)
    key = (Ticket.agency_id, _TOPIC)
    for a, tp, n in await _rows(
        session, select(*key, func.count()).where(_in_period(Ticket.created_at, start, end)).group_by(*key)
    ):
        acc[(a, tp)].received = int(n)
    on_time = func.sum(case((_ANSWER_AT <= Ticket.answer_due_at, 1), else_=0))
    resolved = func.sum(case((Ticket.state.in_(ANSWERED_STATES), 1), else_=0))
    for a, tp, n, ok, res in await _rows(
        session, select(*key, func.count(), on_time, resolved).where(answered_between(start, end)).group_by(*key)
    ):
        cell = acc[(a, tp)]
        cell.answered, cell.on_time, cell.resolved = int(n), int(ok or 0), int(res or 0)
    # one branch per index, glued with UNION ALL: planners will not combine indexes for an OR with GROUP BY
    late_flag = case((overdue_at(end), 1), else_=0).label("late")
    branches = union_all(
        *(select(Ticket.agency_id.label("a"), _TOPIC.label("tp"), late_flag).where(c) for c in _open_branches(end))
    ).subquery()
    for a, tp, n, late in await _rows(
        session,
        select(branches.c.a, branches.c.tp, func.count(), func.sum(branches.c.late)).group_by(
            branches.c.a, branches.c.tp
        ),
    ):
        acc[(a, tp)].open, acc[(a, tp)].overdue = int(n), int(late or 0)
    rated = select(TicketEvent.ticket_id).where(TicketEvent.action == "rated", _in_period(TicketEvent.at, start, end))
    for a, tp, total, n in await _rows(
        session,
        select(*key, func.sum(Ticket.rating), func.count(Ticket.rating))
        .where(Ticket.rating.is_not(None), Ticket.id.in_(rated))
        .group_by(*key),
    ):
        acc[(a, tp)].rating_sum, acc[(a, tp)].rating_n = float(total or 0), int(n)
    # transfers belong to the agency that handed the ticket over; extensions and reopenings to its agency
    owner = case((TicketEvent.action == "transfer", TicketEvent.from_agency), else_=Ticket.agency_id)
    for a, tp, action, n in await _rows(
        session,
        select(owner, _TOPIC, TicketEvent.action, func.count())
        .join(Ticket, Ticket.id == TicketEvent.ticket_id)
        .where(TicketEvent.action.in_(("transfer", "extended", "reopen")), _in_period(TicketEvent.at, start, end))
        .group_by(owner, _TOPIC, TicketEvent.action),
    ):
        if a is not None:
            cell = acc[(a, tp)]
            name = {"transfer": "transfers", "extended": "extensions", "reopen": "reopened"}[action]
            setattr(cell, name, int(n))
    responses = await _rows(
        session,
        select(*key, Ticket.created_at, Ticket.first_response_at).where(
            _in_period(Ticket.first_response_at, start, end)
        ),
    )
    if responses:
        since = min(row[2] for row in responses).astimezone(TZ).date()
        office = OfficeClock(core.calendar, parse_hours(core.rules.reminders.notify_hours), since)
        for a, tp, created, first in responses:
            acc[(a, tp)].hours.append(office.hours_between(created, first))
    return acc


class OfficeClock:
    """Office hours between many pairs of moments, fast: cumulative office seconds cached per local date.

    Same result as WorkingCalendar.working_hours_between, for bulk use (thousands of first responses).
    """

    def __init__(self, calendar: WorkingCalendar, hours: tuple[time, time], since: date) -> None:
        self.calendar = calendar
        self.epoch = datetime.combine(since - timedelta(days=1), time(12), tzinfo=TZ)  # before every moment
        self.open = hours[0].hour * 3600 + hours[0].minute * 60
        self.close = hours[1].hour * 3600 + hours[1].minute * 60
        self._days: dict[date, tuple[int, bool]] = {}

    def _day(self, d: date) -> tuple[int, bool]:
        """(working days after the epoch and before d, whether d is a working day)."""
        found = self._days.get(d)
        if found is None:
            day_before = datetime.combine(d - timedelta(days=1), time(12), tzinfo=TZ)
            before = self.calendar.working_days_between(self.epoch, day_before)
            found = self._days[d] = (before, self.calendar.is_working_day(d))
        return found

    def _cumulative(self, t: datetime) -> float:
        local = t.astimezone(TZ)
        days, working = self._day(local.date())
        of_day = local.hour * 3600 + local.minute * 60 + local.second + local.microsecond / 1e6
        partial = min(max(of_day, self.open), self.close) - self.open if working else 0.0
        return days * (self.close - self.open) + partial

    def hours_between(self, a: datetime, b: datetime) -> float:
        """Office hours on working days between a and b (0 if b is not after a)."""
        return max(0.0, self._cumulative(b) - self._cumulative(a)) / 3600.0


def _group_key(by: str, pair: Pair) -> str:
    return pair[0] if by == "agency" else pair[1] if by == "topic" else ALL


async def compute_many(
    session: AsyncSession, core: Core, start: datetime | None, end: datetime, bys: tuple[str, ...] = BY
) -> dict[str, list[GroupStats]]:
    """compute_stats for several groupings of one period, reading the database once."""
    for by in bys:
        if by not in BY:
            raise ValueError(f"by must be one of {', '.join(BY)}, got {by!r}")
    pairs = await _pairs(session, core, start, end)
    result: dict[str, list[GroupStats]] = {}
    for by in bys:
        groups: dict[str, _Acc] = defaultdict(_Acc)
        for pair, cell in pairs.items():
            groups[_group_key(by, pair)].add(cell)
        result[by] = [_stats(core, by, k, groups[k]) for k in _ordered(core, by, groups)]
    return result


async def compute_stats(
    session: AsyncSession, core: Core, start: datetime | None, end: datetime, by: str = "agency"
) -> list[GroupStats]:
    """Statistics of the period [start, end) (start None = since the beginning), one entry per group.

    `by` is "agency" (the ticket's current agency; transfers counted for the agency that passed it on),
    "topic" (PCI sub-index / BPI area, "unclassified" for none) or "all" (one total). Counting happens in
    SQL, grouped by agency and topic; only the first-response times of the period are fetched, to measure
    them in working hours. Groups with nothing to report are left out; known agencies/topics come in
    routing_rules.yaml order.
    """
    return (await compute_many(session, core, start, end, (by,)))[by]


def _stats(core: Core, by: str, key: str, c: _Acc) -> GroupStats:
    return GroupStats(
        key=key,
        name=_name(core, by, key),
        received=c.received,
        answered=c.answered,
        answered_on_time=c.on_time,
        resolved=c.resolved,
        open=c.open,
        open_overdue=c.overdue,
        on_time_rate=on_time_rate(c.on_time, c.answered, c.overdue),
        median_first_response_hours=float(median(c.hours)) if c.hours else None,
        transfers_out=c.transfers,
        extensions=c.extensions,
        avg_rating=c.rating_sum / c.rating_n if c.rating_n else None,
        reopened=c.reopened,
    )


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
