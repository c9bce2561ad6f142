"""The weekly digest: numbers of a hand-built week, the on-time rule, holidays, Vietnamese text and chart."""

from __future__ import annotations

import io
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from random import Random

import pytest
from matplotlib import font_manager
from matplotlib.ft2font import FT2Font
from matplotlib.text import Text
from PIL import Image

from bot.app import App
from bot.core import digest as weekly
from bot.core.clock import WorkingCalendar
from bot.core.stats import GroupStats, OfficeClock, compute_stats, on_time_rate
from tests.conftest import FakeClock
from tests.console_driver import ConsoleDriver
from tests.digest_week import MARKET, A, B, C, build_week
from tests.sla_support import act, bind_chats, vn

W18 = weekly.Week.parse("2026-W18")


def test_on_time_rate_counts_open_overdue_items() -> None:
    assert on_time_rate(8, 10, 0) == 0.8
    assert on_time_rate(8, 10, 6) == 0.5  # six items left unanswered past their deadline count against
    assert on_time_rate(0, 0, 3) == 0.0
    assert on_time_rate(0, 0, 0) is None


def test_weeks() -> None:
    assert W18.start == vn(2026, 4, 27) and W18.end == vn(2026, 5, 4)
    assert W18.previous().iso == "2026-W17" and weekly.Week.parse("2026-W01").previous().iso == "2025-W52"
    assert W18.label == "18/2026"
    with pytest.raises(ValueError, match="YYYY-Www"):
        weekly.Week.parse("tuần 18")
    # The digest due Monday 04/05/2026 08:00 covers W18; before 08:00 it is still W17's.
    assert weekly.due_week("0 8 * * mon", vn(2026, 5, 4, 8, 1)) == W18
    assert weekly.due_week("0 8 * * mon", vn(2026, 5, 4, 7, 59)) == W18.previous()


async def test_week_numbers_match_a_hand_computation(app: App, clock: FakeClock) -> None:
    await build_week(app, clock)
    async with app.core.maker() as session:
        by_agency = {g.key: g for g in await compute_stats(session, app.core, W18.start, W18.end, "agency")}
        [total] = await compute_stats(session, app.core, W18.start, W18.end, "all")
        by_topic = {g.key: g for g in await compute_stats(session, app.core, W18.start, W18.end, "topic")}
        w17 = W18.previous()
        before = {g.key: g for g in await compute_stats(session, app.core, w17.start, w17.end, "agency")}
    assert list(by_agency) == [A, B, C]  # routing_rules.yaml order
    # T1 answered on Fri 01/05, a holiday, before its deadline Tue 05/05 → on time; T2 open and overdue.
    # First responses in working hours (07:30–17:00): T1 8 + 9,5 + 5×9,5 + 2×9,5 = 84 h, T3 8 + 2,5 = 10,5 h.
    assert by_agency[A] == GroupStats(
        key=A, name="Sở Tài chính", received=2, answered=2, answered_on_time=2, resolved=2, open=2,
        open_overdue=1, on_time_rate=2 / 3, median_first_response_hours=47.25, transfers_out=0,
        extensions=0, avg_rating=None, reopened=0,
    )
    # T4 answered a day late (due Tue 28/04 since Mon 27/04 was a holiday); T6 handed over to A.
    assert by_agency[B] == GroupStats(
        key=B, name="Sở Xây dựng", received=1, answered=2, answered_on_time=1, resolved=2, open=0,
        open_overdue=0, on_time_rate=0.5, median_first_response_hours=53.5, transfers_out=1,
        extensions=0, avg_rating=5.0, reopened=0,
    )
    assert by_agency[C].on_time_rate == 1.0 and by_agency[C].median_first_response_hours == 7.0
    assert (total.received, total.answered, total.answered_on_time, total.open, total.open_overdue) == (4, 5, 4, 2, 1)
    assert total.on_time_rate == 4 / 6
    assert (by_topic[MARKET].received, by_topic[MARKET].answered, by_topic[MARKET].open_overdue) == (1, 2, 1)
    assert before[A].on_time_rate == 0.0  # W17: nothing answered, T2 overdue
    assert before[B].on_time_rate is None and before[B].open == 1  # T4 open, not yet due


async def test_digest_text_in_vietnamese(app: App, clock: FakeClock) -> None:
    codes = await build_week(app, clock)
    await act(app, clock, vn(2026, 5, 5, 9), codes["T6"], "take")  # after the week: not in its digest
    async with app.core.maker() as session:
        built = await weekly.build_digest(session, app.core, W18)
    summary, agencies, topics, _recurring = weekly.render_text(built)
    assert "BẢN TIN TUẦN 18/2026 (27/04/2026 – 03/05/2026)" in summary
    assert "Tuần có 2 ngày làm việc. Nghỉ lễ: 27/04, 30/04, 01/05." in summary
    assert "tiếp nhận 4 (+4 so với tuần trước)" in summary
    assert "Tỷ lệ đúng hạn: 66,7 % (▲ 66,7 điểm)" in summary
    # T3, T5, T6 and T7 were received in the week; T6 was taken only the week after
    assert "tiếp nhận trong tuần: Đã tiếp nhận, chờ xử lý 1 · Đã trả lời 2 · Đã kết thúc 1\n" in summary
    assert "Biểu dương (đúng hạn từ 90 %): Sở Công Thương (100,0 %)" in summary
    assert "(đúng hạn dưới 70 %): Sở Xây dựng (50,0 %; 0 quá hạn); Sở Tài chính (66,7 %; 1 quá hạn)" in summary
    line_a = next(line for line in agencies.splitlines() if line.startswith("• Sở Tài chính"))
    assert "trả lời 2 (đúng hạn 2)" in line_a and "quá hạn 1" in line_a and "(▲ 66,7 điểm)" in line_a
    assert "phản hồi đầu 47,2 giờ" in line_a or "phản hồi đầu 47,3 giờ" in line_a
    line_b = next(line for line in agencies.splitlines() if line.startswith("• Sở Xây dựng"))
    assert "chuyển đi 1" in line_b and "hài lòng 5,0/5" in line_b and "tuần trước: —" in line_b
    assert "• Gia nhập thị trường: nhận 1" in topics


def _figure_texts(built: weekly.Digest) -> list[str]:
    fig = weekly.chart_figure(built)
    return [t.get_text() for t in fig.findobj(Text) if t.get_text()]


async def test_chart_png_with_vietnamese_labels(app: App, clock: FakeClock) -> None:
    await build_week(app, clock)
    async with app.core.maker() as session:
        built = await weekly.build_digest(session, app.core, W18)
    png = weekly.render_png(built)  # a missing glyph would warn, and warnings fail the tests
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.width >= 1000
    labels = _figure_texts(built)
    for expected in ("Sở Tài chính", "Sở Xây dựng", "Sở Công Thương", "Tỷ lệ đúng hạn (%)",
                     "Quá hạn chưa trả lời", "66,7 %"):
        assert expected in labels
    assert any("tuần 18/2026" in label for label in labels)
    path = font_manager.findfont(font_manager.FontProperties(family=weekly.CHART_FONT), fallback_to_default=False)
    font = FT2Font(path)
    missing = {ch for label in labels for ch in label if not ch.isspace() and font.get_char_index(ord(ch)) == 0}
    assert not missing, f"glyphs missing from {weekly.CHART_FONT}: {missing}"


async def test_digest_command_posts_text_and_chart(app: App, clock: FakeClock, tmp_path: Path) -> None:
    await build_week(app, clock)
    await bind_chats(app)
    clock.now = vn(2026, 5, 4, 9)
    driver = ConsoleDriver(app)
    app.console.files_dir = tmp_path  # type: ignore[union-attr]
    await driver.type("/as admin")
    printed = await driver.type("/digest 2026-W18")
    assert "BẢN TIN TUẦN 18/2026" in printed and "THEO CƠ QUAN" in printed and "THEO LĨNH VỰC" in printed
    [chart] = list(tmp_path.glob("*ban-tin-2026-W18.png"))
    assert str(chart) in printed and chart.read_bytes().startswith(b"\x89PNG")

    printed = await driver.type("/digest nhom")
    assert "Đã gửi bản tin tuần 18/2026 vào nhóm Tổ công tác PCI." in printed
    assert "── wg ──" in printed

    await driver.type("/as enterprise")
    assert "quản trị viên" in await driver.type("/digest")


async def test_scheduled_digest_is_posted_once(app: App, clock: FakeClock) -> None:
    await build_week(app, clock)
    await bind_chats(app)
    clock.now = vn(2026, 5, 4, 8, 0)
    assert await weekly.send_due(app.core) == W18
    clock.now = vn(2026, 5, 6, 9, 0)  # a later sweep (or a restart) does not repeat it
    assert await weekly.send_due(app.core) is None


def test_office_clock_matches_the_calendar() -> None:
    calendar, rnd, hours = WorkingCalendar(), Random(3), (time(7, 30), time(17, 0))
    base = datetime(2025, 12, 20, tzinfo=UTC)  # across Tết 2026
    pairs = []
    for _ in range(500):
        a = base + timedelta(minutes=rnd.randint(0, 60 * 24 * 120))
        pairs.append((a, a + timedelta(minutes=rnd.randint(-60, 60 * 24 * 30))))
    office = OfficeClock(calendar, hours, base.date())
    for a, b in pairs:
        assert abs(office.hours_between(a, b) - calendar.working_hours_between(a, b, hours)) < 1e-6
