"""Monthly statistics per PCI sub-index and BPI area over the last twelve months (the public trend page)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.clock import TZ
from bot.core.services import Core
from bot.core.stats import GroupStats, compute_many, group_name

__all__ = ["MONTHS", "Month", "TopicTrend", "last_months", "topic_trends"]

MONTHS = 12


@dataclass(frozen=True)
class Month:
    """A calendar month in Vietnam's time zone: the 1st 00:00 to the next 1st 00:00 (as UTC instants)."""

    year: int
    month: int

    @classmethod
    def containing(cls, moment: datetime) -> Month:
        """The month of a moment's local date."""
        local = moment.astimezone(TZ)
        return cls(local.year, local.month)

    def next(self) -> Month:
        """The month after."""
        return Month(self.year + 1, 1) if self.month == 12 else Month(self.year, self.month + 1)

    def previous(self) -> Month:
        """The month before."""
        return Month(self.year - 1, 12) if self.month == 1 else Month(self.year, self.month - 1)

    @property
    def start(self) -> datetime:
        """The 1st at 00:00 local, in UTC."""
        return datetime.combine(date(self.year, self.month, 1), time(0), tzinfo=TZ).astimezone(UTC)

    @property
    def end(self) -> datetime:
        """The next month's 1st at 00:00 local, in UTC (exclusive)."""
        return self.next().start

    @property
    def label(self) -> str:
        """03/2026."""
        return f"{self.month:02d}/{self.year}"


def last_months(now: datetime, n: int = MONTHS) -> list[Month]:
    """The n months up to and including the current one, oldest first."""
    months = [Month.containing(now)]
    while len(months) < n:
        months.append(months[-1].previous())
    return months[::-1]


@dataclass(frozen=True)
class TopicTrend:
    """One topic's figures month by month (received, answered, on time, overdue at the month's end)."""

    topic_id: str
    kind: str  # "pci" or "bpi"
    months: list[tuple[Month, GroupStats]]


async def topic_trends(session: AsyncSession, core: Core, now: datetime, n: int = MONTHS) -> list[TopicTrend]:
    """Every topic of the rules (routing_rules.yaml order), month by month over the last n months.

    Each month is counted as the public site counts a period (bot/core/stats.py): received in it, answered in
    it (on time or not), and open past the deadline at its end — the current month ends now.
    """
    months = last_months(now, n)
    found: list[dict[str, GroupStats]] = []
    for month in months:
        stats = await compute_many(session, core, month.start, min(month.end, now), ("topic",))
        found.append({g.key: g for g in stats["topic"]})
    return [
        TopicTrend(
            topic.id,
            topic.kind,
            [
                (month, by_key.get(topic.id) or GroupStats.empty(topic.id, group_name(core, "topic", topic.id)))
                for month, by_key in zip(months, found, strict=True)
            ],
        )
        for topic in core.rules.topics
    ]
