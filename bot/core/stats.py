"""Period statistics per agency or topic, aggregated in SQL; shared by the digest, the reports and the public page."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from statistics import median

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.clock import TZ, WorkingCalendar, parse_hours
from bot.core.i18n import t
from bot.core.services import Core
from storage import stats as queries
from storage.stats import UNCLASSIFIED

__all__ = [
    "BY",
    "GroupStats",
    "compute_many",
    "compute_stats",
    "group_name",
    "lagging_groups",
    "on_time_rate",
    "outcome_counts",
]

BY = ("agency", "topic", "all")
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

    @classmethod
    def empty(cls, key: str, name: str) -> GroupStats:
        """A group with nothing to report (no rate, no median, no rating)."""
        return cls(key, name, 0, 0, 0, 0, 0, 0, None, None, 0, 0, None, 0)


def lagging_groups(groups: Iterable[GroupStats], threshold: float) -> list[GroupStats]:
    """The groups whose on-time rate is below `threshold`, the worst first, then the most overdue, then by name."""
    return sorted(
        (g for g in groups if g.on_time_rate is not None and g.on_time_rate < threshold),
        key=lambda g: (g.on_time_rate or 0.0, -g.open_overdue, g.name),
    )


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


async def _pairs(session: AsyncSession, core: Core, start: datetime | None, end: datetime) -> dict[Pair, _Acc]:
    """Every counter of the period per (agency, topic): one query per measure, grouped in SQL."""
    acc: dict[Pair, _Acc] = defaultdict(_Acc)
    for a, tp, n in await queries.received(session, start, end):
        acc[(a, tp)].received = int(n)
    for a, tp, n, ok, res in await queries.answered(session, start, end):
        cell = acc[(a, tp)]
        cell.answered, cell.on_time, cell.resolved = int(n), int(ok or 0), int(res or 0)
    for a, tp, n, late in await queries.open_and_overdue(session, end):
        acc[(a, tp)].open, acc[(a, tp)].overdue = int(n), int(late or 0)
    for a, tp, total, n in await queries.ratings(session, start, end):
        acc[(a, tp)].rating_sum, acc[(a, tp)].rating_n = float(total or 0), int(n)
    for a, tp, action, n in await queries.handling_events(session, start, end):
        if a is not None:
            cell = acc[(a, tp)]
            name = {"transfer": "transfers", "extended": "extensions", "reopen": "reopened"}[action]
            setattr(cell, name, int(n))
    responses = await queries.first_responses(session, start, end)
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


async def states_at_end(session: AsyncSession, start: datetime, end: datetime) -> dict[str, int]:
    """How many of the tickets received in [start, end) were in each state at `end`, read from their events."""
    last: dict[int, str] = {}
    for ticket_id, state in await queries.moves_of_received(session, start, end):
        last[ticket_id] = state
    return dict(Counter(last.values()))


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


async def outcome_counts(
    session: AsyncSession, start: datetime | None, end: datetime, by: str
) -> dict[str, Counter[str]]:
    """Outcomes (accepted, under_study, not_accepted) of the recommendations answered in [start, end), per group."""
    if by not in BY:
        raise ValueError(f"by must be one of {', '.join(BY)}, got {by!r}")
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for a, tp, outcome, n in await queries.outcomes(session, start, end):
        counts[_group_key(by, (a, tp))][str(outcome)] += int(n)
    return counts


def _stats(core: Core, by: str, key: str, c: _Acc) -> GroupStats:
    return GroupStats(
        key=key,
        name=group_name(core, by, key),
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


def group_name(core: Core, by: str, key: str) -> str:
    """The name a group is shown with: the agency's short name, the topic's name in the PCI edition, "Toàn tỉnh"."""
    if by == "agency":
        agency = core.rules.agencies_by_id.get(key)
        return agency.name if agency else key
    if by == "topic":
        topic = core.rules.topics_by_id.get(key)
        if topic is None:
            return t("topic_none", "vi")
        return topic.display_name(core.rules.settings.pci_edition)
    return "Toàn tỉnh"
