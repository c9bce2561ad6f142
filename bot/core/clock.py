"""Vietnamese working-day clock: holidays, legal deadlines (Civil Code art. 147-148) and office hours."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

__all__ = [
    "DEFAULT_HOURS",
    "TZ",
    "WorkingCalendar",
    "now_utc",
    "parse_hours",
]

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
DEFAULT_HOURS: tuple[time, time] = (time(7, 30), time(17, 0))

_DAY_SECONDS = 86_400
_HOURS_RE = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*[-\u2013\u2014]\s*(\d{1,2}):(\d{2})\s*$")


@lru_cache(maxsize=512)
def _vn_year(year: int) -> tuple[frozenset[date], frozenset[date]]:
    """Public holidays (days off) and swapped working Saturdays/Sundays of one year, from `holidays.VN`."""
    cal = holidays.country_holidays("VN", years=year)
    days_off = frozenset(d for d in cal if d.year == year)
    weekend_workdays = frozenset(d for d in cal.weekend_workdays if d.year == year)
    return days_off, weekend_workdays


@dataclass(frozen=True, slots=True)
class _YearTable:
    """Working-day flags and running counts for one calendar year (index = day of year - 1)."""

    base: int  # ordinal of 1 January
    flags: bytes
    cum: list[int]  # cum[i] = working days among day indices 0..i

    @property
    def total(self) -> int:
        return self.cum[-1]


def _seconds_of_day(t: time) -> int:
    return t.hour * 3600 + t.minute * 60 + t.second


def _check_hours(hours: tuple[time, time]) -> tuple[int, int]:
    open_s, close_s = _seconds_of_day(hours[0]), _seconds_of_day(hours[1])
    if open_s >= close_s:
        raise ValueError(f"office hours must open before they close, got {hours[0]}-{hours[1]}")
    return open_s, close_s


class WorkingCalendar:
    """Vietnamese state-agency working days (Mon-Fri minus public holidays, plus swapped Saturdays).

    `extra_days_off` / `extra_working_days` let an admin override the `holidays` data (future years are
    estimates until the Prime Minister decides). Datetimes are converted to local time (`tz`);
    naive datetimes are taken to be UTC. Deadlines are returned as tz-aware UTC datetimes.
    """

    def __init__(
        self,
        extra_days_off: Iterable[date] = (),
        extra_working_days: Iterable[date] = (),
        tz: ZoneInfo = TZ,
    ) -> None:
        self.extra_days_off: frozenset[date] = frozenset(extra_days_off)
        self.extra_working_days: frozenset[date] = frozenset(extra_working_days)
        both = self.extra_days_off & self.extra_working_days
        if both:
            listed = ", ".join(d.isoformat() for d in sorted(both))
            raise ValueError(f"dates both in extra_days_off and extra_working_days: {listed}")
        self.tz = tz
        self._tables: dict[int, _YearTable] = {}

    def __repr__(self) -> str:
        return (
            f"WorkingCalendar(extra_days_off={len(self.extra_days_off)}, "
            f"extra_working_days={len(self.extra_working_days)}, tz={self.tz.key!r})"
        )

    # ----------------------------------------------------------------- per-year tables
    def _compute_is_working(self, d: date, days_off: frozenset[date], swapped: frozenset[date]) -> bool:
        if d in self.extra_days_off:
            return False
        if d in self.extra_working_days or d in swapped:
            return True
        return d.weekday() < 5 and d not in days_off

    def _table(self, year: int) -> _YearTable:
        table = self._tables.get(year)
        if table is None:
            days_off, swapped = _vn_year(year)
            first = date(year, 1, 1)
            n_days = (date(year + 1, 1, 1) - first).days if year < 9999 else 365
            flags = bytearray(n_days)
            cum: list[int] = []
            running = 0
            for i in range(n_days):
                if self._compute_is_working(first + timedelta(days=i), days_off, swapped):
                    flags[i] = 1
                    running += 1
                cum.append(running)
            table = _YearTable(first.toordinal(), bytes(flags), cum)
            self._tables[year] = table
        return table

    # ----------------------------------------------------------------- date helpers
    def _local(self, t: datetime) -> datetime:
        if t.tzinfo is None:
            t = t.replace(tzinfo=UTC)
        return t.astimezone(self.tz)

    def _end_of_day(self, d: date) -> datetime:
        return datetime.combine(d, time.max, tzinfo=self.tz).astimezone(UTC)

    def _count(self, a: date, b: date) -> int:
        """Working days in the half-open date interval (a, b]."""
        if b <= a:
            return 0
        ta = self._table(a.year)
        ia = a.toordinal() - ta.base
        if a.year == b.year:
            return ta.cum[b.toordinal() - ta.base] - ta.cum[ia]
        total = ta.total - ta.cum[ia]
        for year in range(a.year + 1, b.year):
            total += self._table(year).total
        tb = self._table(b.year)
        return total + tb.cum[b.toordinal() - tb.base]

    def _nth_after(self, d: date, n: int) -> date:
        """The n-th working day strictly after d (n >= 1)."""
        year = d.year
        table = self._table(year)
        lo = d.toordinal() - table.base + 1
        target = table.cum[lo - 1] + n
        while True:
            j = bisect_left(table.cum, target, lo)
            if j < len(table.cum):
                return date(year, 1, 1) + timedelta(days=j)
            target -= table.total
            year += 1
            table = self._table(year)
            lo = 0

    def _wd(self, d: date) -> bool:
        table = self._table(d.year)
        return bool(table.flags[d.toordinal() - table.base])

    def _first_on_or_after(self, d: date) -> date:
        return d if self._wd(d) else self._nth_after(d, 1)

    def _working_seconds(self, a: datetime, b: datetime, open_s: int, close_s: int) -> float:
        """Seconds in [a, b] that fall inside [open_s, close_s) of working days, in local time."""
        la, lb = self._local(a), self._local(b)
        if lb <= la:
            return 0.0
        da, db = la.date(), lb.date()
        sa = _seconds_of_day(la.time()) + la.microsecond / 1e6
        sb = _seconds_of_day(lb.time()) + lb.microsecond / 1e6

        def clip(x: float) -> float:
            return min(max(x, float(open_s)), float(close_s))

        if da == db:
            return max(0.0, clip(sb) - clip(sa)) if self._wd(da) else 0.0
        total = (close_s - clip(sa)) if self._wd(da) else 0.0
        total += (clip(sb) - open_s) if self._wd(db) else 0.0
        total += self._count(da, db - timedelta(days=1)) * (close_s - open_s)
        return total

    # ----------------------------------------------------------------- public API
    def is_working_day(self, d: date) -> bool:
        """Mon-Fri except holidays, plus swapped Saturdays and extra working days, minus extra days off."""
        if isinstance(d, datetime):
            d = self._local(d).date()
        return self._wd(d)

    def add_working_days(self, start: datetime, n: int) -> datetime:
        """End (23:59:59.999999 local, returned in UTC) of the n-th working day after start's local date.

        The day of the event is not counted (Civil Code art. 147-148). n=0 gives the end of start's day if
        it is a working day, else the end of the next working day.
        """
        if n < 0:
            raise ValueError(f"n must be >= 0, got {n}")
        d = self._local(start).date()
        return self._end_of_day(self._nth_after(d, n) if n else self._first_on_or_after(d))

    def working_days_between(self, a: datetime, b: datetime) -> int:
        """Working days in (a's local date, b's local date]; 0 if b <= a."""
        la, lb = self._local(a), self._local(b)
        if lb <= la:
            return 0
        return self._count(la.date(), lb.date())

    def working_hours_between(
        self, a: datetime, b: datetime, hours: tuple[time, time] = DEFAULT_HOURS
    ) -> float:
        """Elapsed office hours between a and b, counting working days only."""
        open_s, close_s = _check_hours(hours)
        return self._working_seconds(a, b, open_s, close_s) / 3600.0

    def shift_for_pause(self, deadline: datetime, paused_at: datetime, resumed_at: datetime) -> datetime:
        """Move the deadline by the working days the clock was paused (end-of-day semantics kept)."""
        paused = self.working_days_between(paused_at, resumed_at)
        if paused == 0:
            return deadline.astimezone(UTC) if deadline.tzinfo else deadline.replace(tzinfo=UTC)
        return self.add_working_days(deadline, paused)

    def is_working_time(self, t: datetime, hours: tuple[time, time] = DEFAULT_HOURS) -> bool:
        """True if t falls on a working day within office hours [open, close), local time."""
        open_s, close_s = _check_hours(hours)
        local = self._local(t)
        return self._wd(local.date()) and open_s <= _seconds_of_day(local.time()) < close_s

    def next_working_time(self, t: datetime, hours: tuple[time, time] = DEFAULT_HOURS) -> datetime:
        """t itself (in UTC) if it is working time, else the next moment the office opens (UTC)."""
        open_s, close_s = _check_hours(hours)
        local = self._local(t)
        d = local.date()
        if self._wd(d):
            s = _seconds_of_day(local.time())
            if open_s <= s < close_s:
                return local.astimezone(UTC)
            if s < open_s:
                return datetime.combine(d, hours[0], tzinfo=self.tz).astimezone(UTC)
        nxt = self._nth_after(d, 1)
        return datetime.combine(nxt, hours[0], tzinfo=self.tz).astimezone(UTC)

    def fraction_elapsed(self, start: datetime, deadline: datetime, now: datetime) -> float:
        """Share of the start-to-deadline window elapsed, in working seconds (whole working days).

        0.0 at or before start; >= 1.0 at or after the deadline (values above 1 measure how overdue).
        """
        ls, ld, ln = self._local(start), self._local(deadline), self._local(now)
        if ln >= ld:
            if ld <= ls:
                return 1.0
            total = self._working_seconds(ls, ld, 0, _DAY_SECONDS)
            if total <= 0:
                return 1.0
            return max(1.0, self._working_seconds(ls, ln, 0, _DAY_SECONDS) / total)
        if ln <= ls:
            return 0.0
        total = self._working_seconds(ls, ld, 0, _DAY_SECONDS)
        if total <= 0:
            return 0.0
        return min(self._working_seconds(ls, ln, 0, _DAY_SECONDS) / total, 1.0)


def parse_hours(spec: str) -> tuple[time, time]:
    """Parse office hours like "07:30-17:00" into (open, close)."""
    m = _HOURS_RE.match(spec)
    if m is None:
        raise ValueError(f"invalid office hours {spec!r}: expected 'HH:MM-HH:MM', e.g. '07:30-17:00'")
    h1, m1, h2, m2 = (int(g) for g in m.groups())
    if not (0 <= h1 <= 23 and 0 <= h2 <= 23 and 0 <= m1 <= 59 and 0 <= m2 <= 59):
        raise ValueError(f"invalid office hours {spec!r}: hours must be 00-23 and minutes 00-59")
    opening, closing = time(h1, m1), time(h2, m2)
    if opening >= closing:
        raise ValueError(f"invalid office hours {spec!r}: opening time must be before closing time")
    return opening, closing


def now_utc() -> datetime:
    """The current time, tz-aware in UTC."""
    return datetime.now(UTC)
