"""Tests for the Vietnamese working-day clock."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.clock import TZ, WorkingCalendar, now_utc, parse_hours

CAL = WorkingCalendar()
HOURS = (time(7, 30), time(17, 0))


def local(y: int, m: int, d: int, hh: int = 10, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=TZ)


def end_of(y: int, m: int, d: int) -> datetime:
    return datetime.combine(date(y, m, d), time.max, tzinfo=TZ).astimezone(UTC)


# --------------------------------------------------------------------------- is_working_day
@pytest.mark.parametrize(
    ("d", "expected"),
    [
        (date(2025, 1, 24), True),  # Friday
        (date(2025, 1, 25), False),  # Saturday
        (date(2025, 1, 29), False),  # Tết
        (date(2025, 4, 26), True),  # swapped Saturday
        (date(2025, 5, 2), False),  # the day off it bought
        (date(2025, 9, 1), False),
        (date(2025, 9, 2), False),
        (date(2026, 8, 22), True),  # swapped Saturday
        (date(2026, 8, 31), False),
        (date(2026, 4, 27), False),  # Giỗ Tổ observed
        (date(2026, 11, 24), False),  # Vietnam Cultural Day
    ],
)
def test_is_working_day(d: date, expected: bool) -> None:
    assert CAL.is_working_day(d) is expected


def test_is_working_day_accepts_datetime_in_local_time() -> None:
    # 2025-01-24 20:00 UTC is Sat 25/01 03:00 in Hà Nội.
    assert CAL.is_working_day(datetime(2025, 1, 24, 20, 0, tzinfo=UTC)) is False
    assert CAL.is_working_day(datetime(2025, 1, 24, 10, 0, tzinfo=UTC)) is True


def test_extra_days_override() -> None:
    cal = WorkingCalendar(extra_days_off=[date(2025, 3, 3)], extra_working_days=[date(2025, 3, 8)])
    assert not cal.is_working_day(date(2025, 3, 3))
    assert cal.is_working_day(date(2025, 3, 8))
    with pytest.raises(ValueError, match="both"):
        WorkingCalendar(extra_days_off=[date(2025, 3, 3)], extra_working_days=[date(2025, 3, 3)])


# --------------------------------------------------------------------------- add_working_days
@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (date(2025, 1, 24), 5, date(2025, 2, 7)),
        (date(2025, 4, 25), 5, date(2025, 5, 6)),
        (date(2025, 8, 29), 3, date(2025, 9, 5)),
        (date(2026, 2, 13), 10, date(2026, 3, 6)),
        (date(2026, 8, 21), 5, date(2026, 8, 27)),
        (date(2026, 11, 20), 5, date(2026, 11, 30)),
    ],
)
def test_domain_vectors(start: date, n: int, expected: date) -> None:
    for hh in (0, 10, 23):
        got = CAL.add_working_days(local(start.year, start.month, start.day, hh), n)
        assert got == end_of(expected.year, expected.month, expected.day)
        assert got.tzinfo is UTC
        assert got.astimezone(TZ).time() == time.max


def test_cultural_day_overridden_as_working_day() -> None:
    cal = WorkingCalendar(extra_working_days=[date(2026, 11, 24)])
    assert cal.add_working_days(local(2026, 11, 20), 5) == end_of(2026, 11, 27)


def test_extra_days_off_push_deadline() -> None:
    cal = WorkingCalendar(extra_days_off=[date(2025, 3, 4), date(2025, 3, 5)])
    # Mon 03/03 + 3 WD: Tue, Wed off → Thu 06, Fri 07, Mon 10.
    assert CAL.add_working_days(local(2025, 3, 3), 3) == end_of(2025, 3, 6)
    assert cal.add_working_days(local(2025, 3, 3), 3) == end_of(2025, 3, 10)


def test_weekend_start_event_day_not_counted() -> None:
    assert CAL.add_working_days(local(2025, 3, 8), 1) == end_of(2025, 3, 10)  # Sat → Mon
    assert CAL.add_working_days(local(2025, 3, 9), 1) == end_of(2025, 3, 10)  # Sun → Mon
    assert CAL.add_working_days(local(2025, 3, 7), 1) == end_of(2025, 3, 10)  # Fri → Mon
    assert CAL.add_working_days(local(2025, 3, 10), 1) == end_of(2025, 3, 11)  # Mon → Tue


def test_local_date_is_used_not_utc_date() -> None:
    # Thu 06/03/2025 18:00 UTC is already Fri 07/03 01:00 in Hà Nội: +1 WD is Mon 10/03, not Fri 07/03.
    assert CAL.add_working_days(datetime(2025, 3, 6, 18, 0, tzinfo=UTC), 1) == end_of(2025, 3, 10)
    assert CAL.add_working_days(datetime(2025, 3, 6, 16, 59, tzinfo=UTC), 1) == end_of(2025, 3, 7)
    # Over Tết: Fri 24/01/2025 + 1 WD → Mon 03/02/2025.
    assert CAL.add_working_days(local(2025, 1, 24), 1) == end_of(2025, 2, 3)


def test_n_zero() -> None:
    assert CAL.add_working_days(local(2025, 3, 7), 0) == end_of(2025, 3, 7)
    assert CAL.add_working_days(local(2025, 3, 8), 0) == end_of(2025, 3, 10)
    assert CAL.add_working_days(local(2025, 1, 27), 0) == end_of(2025, 2, 3)


def test_negative_n_rejected() -> None:
    with pytest.raises(ValueError):
        CAL.add_working_days(local(2025, 3, 7), -1)


def test_across_year_boundary() -> None:
    # Wed 31/12/2025 + 1 WD: 01/01/2026 holiday → Fri 02/01/2026.
    assert CAL.add_working_days(local(2025, 12, 31), 1) == end_of(2026, 1, 2)
    assert CAL.working_days_between(local(2025, 12, 30), local(2026, 1, 2)) == 2


def test_naive_datetime_is_utc() -> None:
    assert CAL.add_working_days(datetime(2025, 3, 7, 3, 0), 1) == end_of(2025, 3, 10)


# --------------------------------------------------------------------------- working_days_between
def test_working_days_between() -> None:
    assert CAL.working_days_between(local(2025, 1, 24), local(2025, 2, 7)) == 5
    assert CAL.working_days_between(local(2025, 3, 3, 8), local(2025, 3, 3, 16)) == 0
    assert CAL.working_days_between(local(2025, 3, 7), local(2025, 3, 3)) == 0
    assert CAL.working_days_between(local(2025, 3, 7), local(2025, 3, 7)) == 0
    assert CAL.working_days_between(local(2025, 3, 7), local(2025, 3, 9)) == 0  # Sat, Sun


def test_working_days_between_full_year_matches_day_by_day() -> None:
    a, b = date(2024, 12, 31), date(2026, 12, 31)
    expected = sum(CAL.is_working_day(a + timedelta(days=i)) for i in range(1, (b - a).days + 1))
    assert CAL.working_days_between(local(2024, 12, 31), local(2026, 12, 31)) == expected


# --------------------------------------------------------------------------- shift_for_pause
def test_shift_for_pause() -> None:
    deadline = CAL.add_working_days(local(2025, 3, 3), 5)  # Mon 10/03
    assert deadline == end_of(2025, 3, 10)
    # Paused Tue 04/03 10:00, resumed Thu 06/03 09:00 → 2 working days back.
    shifted = CAL.shift_for_pause(deadline, local(2025, 3, 4, 10), local(2025, 3, 6, 9))
    assert shifted == end_of(2025, 3, 12)
    # Paused over a weekend only → unchanged.
    assert CAL.shift_for_pause(deadline, local(2025, 3, 7, 18), local(2025, 3, 9, 20)) == deadline
    # Paused and resumed the same day → unchanged.
    assert CAL.shift_for_pause(deadline, local(2025, 3, 4, 8), local(2025, 3, 4, 16)) == deadline
    # Pause over Tết moves only by working days.
    d2 = CAL.add_working_days(local(2025, 1, 20), 10)
    shifted2 = CAL.shift_for_pause(d2, local(2025, 1, 24, 10), local(2025, 2, 4, 10))
    assert shifted2 == CAL.add_working_days(d2, 2)


# --------------------------------------------------------------------------- office hours
def test_working_hours_between() -> None:
    assert CAL.working_hours_between(local(2025, 3, 3, 8), local(2025, 3, 3, 10)) == pytest.approx(2.0)
    assert CAL.working_hours_between(local(2025, 3, 3, 6), local(2025, 3, 3, 20)) == pytest.approx(9.5)
    # Fri 16:00 → Mon 08:30: 1h Friday + 1h Monday.
    assert CAL.working_hours_between(local(2025, 3, 7, 16), local(2025, 3, 10, 8, 30)) == pytest.approx(2.0)
    # Mon 07:30 → Fri 17:00 = 5 × 9.5 h.
    assert CAL.working_hours_between(local(2025, 3, 3, 7, 30), local(2025, 3, 7, 17)) == pytest.approx(47.5)
    # Over Tết, nothing counts.
    assert CAL.working_hours_between(local(2025, 1, 27, 8), local(2025, 1, 31, 16)) == 0.0
    assert CAL.working_hours_between(local(2025, 3, 3, 10), local(2025, 3, 3, 8)) == 0.0
    # Custom hours.
    assert CAL.working_hours_between(local(2025, 3, 3, 0), local(2025, 3, 4, 0), (time(8), time(12))) == 4.0


def test_working_hours_between_rejects_inverted_hours() -> None:
    with pytest.raises(ValueError):
        CAL.working_hours_between(local(2025, 3, 3), local(2025, 3, 4), (time(17), time(8)))


def test_is_working_time_and_next_working_time() -> None:
    assert CAL.is_working_time(local(2025, 3, 3, 7, 30), HOURS)
    assert CAL.is_working_time(local(2025, 3, 3, 16, 59), HOURS)
    assert not CAL.is_working_time(local(2025, 3, 3, 17, 0), HOURS)
    assert not CAL.is_working_time(local(2025, 3, 3, 7, 29), HOURS)
    assert not CAL.is_working_time(local(2025, 3, 8, 10), HOURS)  # Saturday
    assert CAL.is_working_time(local(2025, 4, 26, 10), HOURS)  # swapped Saturday

    t = local(2025, 3, 3, 10)
    got = CAL.next_working_time(t, HOURS)
    assert got == t and got.tzinfo is UTC
    assert CAL.next_working_time(local(2025, 3, 3, 6), HOURS) == local(2025, 3, 3, 7, 30)
    assert CAL.next_working_time(local(2025, 3, 7, 18), HOURS) == local(2025, 3, 10, 7, 30)
    assert CAL.next_working_time(local(2025, 1, 24, 18), HOURS) == local(2025, 2, 3, 7, 30)
    assert CAL.next_working_time(local(2025, 3, 8, 6), HOURS) == local(2025, 3, 10, 7, 30)


# --------------------------------------------------------------------------- fraction_elapsed
def test_fraction_elapsed() -> None:
    start = local(2025, 3, 3, 0)  # Mon 00:00
    deadline = CAL.add_working_days(start, 2)  # end of Wed 05/03: window = Mon..Wed, 3 working days
    assert CAL.fraction_elapsed(start, deadline, local(2025, 3, 2)) == 0.0
    assert CAL.fraction_elapsed(start, deadline, start) == 0.0
    assert CAL.fraction_elapsed(start, deadline, local(2025, 3, 4, 0)) == pytest.approx(1 / 3, abs=1e-6)
    assert CAL.fraction_elapsed(start, deadline, local(2025, 3, 5, 0)) == pytest.approx(2 / 3, abs=1e-6)
    assert CAL.fraction_elapsed(start, deadline, deadline) >= 1.0
    assert CAL.fraction_elapsed(start, deadline, local(2025, 3, 10)) > 1.0


def test_fraction_elapsed_skips_weekend() -> None:
    start = local(2025, 3, 7, 0)  # Fri
    deadline = CAL.add_working_days(start, 1)  # end of Mon 10/03: Fri + Mon = 2 working days
    assert CAL.fraction_elapsed(start, deadline, local(2025, 3, 8, 12)) == pytest.approx(0.5, abs=1e-6)
    assert CAL.fraction_elapsed(start, deadline, local(2025, 3, 9, 23)) == pytest.approx(0.5, abs=1e-6)


def test_fraction_elapsed_degenerate_window() -> None:
    t = local(2025, 3, 3)
    assert CAL.fraction_elapsed(t, t, t) == 1.0
    assert CAL.fraction_elapsed(t, t - timedelta(days=1), t - timedelta(days=2)) == 0.0


# --------------------------------------------------------------------------- parse_hours, now_utc
def test_parse_hours() -> None:
    assert parse_hours("07:30-17:00") == (time(7, 30), time(17, 0))
    assert parse_hours(" 8:00 - 11:30 ") == (time(8, 0), time(11, 30))
    for bad in ("", "7-17", "17:00-07:30", "07:30-07:30", "25:00-26:00", "07:60-17:00", "07:30/17:00"):
        with pytest.raises(ValueError, match="office hours"):
            parse_hours(bad)


def test_now_utc() -> None:
    n = now_utc()
    assert n.tzinfo is UTC
    assert abs((datetime.now(UTC) - n).total_seconds()) < 5


# --------------------------------------------------------------------------- properties
starts = st.datetimes(
    min_value=datetime(2020, 1, 1),
    max_value=datetime(2027, 12, 31),
    timezones=st.just(UTC),
)


@settings(max_examples=300, deadline=None)
@given(start=starts, n=st.integers(min_value=1, max_value=60))
def test_add_working_days_properties(start: datetime, n: int) -> None:
    result = CAL.add_working_days(start, n)
    assert result.tzinfo is UTC
    local_result = result.astimezone(TZ)
    assert local_result.time() == time.max
    assert CAL.is_working_day(local_result.date())
    assert CAL.working_days_between(start, result) == n
    assert result > start
    # Monotone: one more working day never comes earlier.
    assert CAL.add_working_days(start, n + 1) > result


@settings(max_examples=200, deadline=None)
@given(start=starts)
def test_add_zero_is_first_working_day_on_or_after(start: datetime) -> None:
    result = CAL.add_working_days(start, 0).astimezone(TZ).date()
    local_start = start.astimezone(TZ).date()
    assert CAL.is_working_day(result)
    assert result >= local_start
    assert CAL.working_days_between(start, result_dt(result)) <= 1


def result_dt(d: date) -> datetime:
    return datetime.combine(d, time(12), tzinfo=TZ)


@settings(max_examples=200, deadline=None)
@given(a=starts, b=starts)
def test_working_days_between_matches_naive_count(a: datetime, b: datetime) -> None:
    da, db = a.astimezone(TZ).date(), b.astimezone(TZ).date()
    span = (db - da).days
    if span > 120:
        db = da + timedelta(days=120)
        b = datetime.combine(db, time(12), tzinfo=TZ)
        span = 120
    expected = sum(CAL.is_working_day(da + timedelta(days=i)) for i in range(1, span + 1)) if b > a else 0
    assert CAL.working_days_between(a, b) == expected


@settings(max_examples=200, deadline=None)
@given(start=starts, n=st.integers(min_value=1, max_value=30), offset=st.floats(min_value=0, max_value=1.2))
def test_fraction_elapsed_properties(start: datetime, n: int, offset: float) -> None:
    deadline = CAL.add_working_days(start, n)
    now = start + (deadline - start) * offset
    f = CAL.fraction_elapsed(start, deadline, now)
    assert f >= 0.0
    if now >= deadline:
        assert f >= 1.0
    else:
        assert f <= 1.0


@settings(max_examples=200, deadline=None)
@given(t=starts)
def test_next_working_time_is_working_time(t: datetime) -> None:
    nxt = CAL.next_working_time(t, HOURS)
    assert nxt >= t
    assert CAL.is_working_time(nxt, HOURS)
    assert nxt - t < timedelta(days=15)
