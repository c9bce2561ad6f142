"""The reminder ladder: 50 % / 80 % / 100 % of the deadlines, once each, in office hours, never while paused."""

from __future__ import annotations

import io

from bot.app import App, build, stop
from bot.core import sla
from tests.app_support import console_app
from tests.conftest import FakeClock, make_config
from tests.sla_support import (
    WG_CHAT,
    Outbox,
    act,
    add_officer,
    bind_chats,
    officer_actor,
    submit,
    texts,
    ticket,
    vn,
)

GROUP = "group-so_tai_chinh"

# A ticket received Mon 02/03/2026 00:00 and taken at once: its answer window (10 working days) ends
# Mon 16/03 23:59:59, i.e. 11 whole working days = 264 h of working-day time:
#   50 % = 132 h = 5.5 days → Mon 09/03 12:00; 80 % = 211.2 h = 8.8 days → Thu 12/03 19:12 (after office
#   hours, so it goes out Fri 13/03 07:30); 100 % → Tue 17/03 00:00 (out at 07:30).


async def _taken_ticket(app: App, clock: FakeClock) -> tuple[str, int, int]:
    await bind_chats(app)
    officer = await add_officer(app, "so_tai_chinh", "officer", "dm-officer")
    head = await add_officer(app, "so_tai_chinh", "head", "dm-head")
    code = await submit(app, clock, vn(2026, 3, 2))
    await act(app, clock, vn(2026, 3, 2, 0, 5), code, "take", actor=officer_actor(officer))
    return code, officer.id, head.id


async def _sweep(app: App, clock: FakeClock, when: object) -> sla.SweepResult:
    clock.now = when  # type: ignore[assignment]
    return await sla.sweep(app.core)


async def test_each_level_fires_once_to_the_right_people(app: App, clock: FakeClock) -> None:
    code, _, _ = await _taken_ticket(app, clock)
    outbox = Outbox(app)
    await outbox.skip()

    await _sweep(app, clock, vn(2026, 3, 9, 11))
    assert await outbox.new() == []  # 47 % used

    await _sweep(app, clock, vn(2026, 3, 9, 13))
    rows = await outbox.new()
    assert {r.chat_id for r in rows} == {GROUP, "dm-officer"}
    assert all("50 %" in text and code in text and "16/03/2026" in text for text in texts(rows))
    await _sweep(app, clock, vn(2026, 3, 9, 13, 5))
    assert await outbox.new() == []

    await _sweep(app, clock, vn(2026, 3, 12, 20))  # 80 % reached, but after office hours
    assert await outbox.new() == []
    await _sweep(app, clock, vn(2026, 3, 13, 7, 30))
    rows = await outbox.new()
    assert {r.chat_id for r in rows} == {GROUP, "dm-officer", "dm-head"}
    assert all("80 %" in text for text in texts(rows))
    assert "lãnh đạo Sở Tài chính" in texts(rows, "dm-head")[0]

    await _sweep(app, clock, vn(2026, 3, 16, 16))  # last day of the window: nothing new
    assert await outbox.new() == []
    result = await _sweep(app, clock, vn(2026, 3, 17, 7, 45))
    rows = await outbox.new()
    assert result.escalations == 1
    escalation = [r for r in rows if r.chat_id == WG_CHAT and "Báo cáo Tổ công tác" in r.payload["text"]]
    assert len(escalation) == 1
    assert "Quá hạn trả lời" in escalation[0].payload["text"] and "quá 1 ngày làm việc" in escalation[0].payload["text"]
    assert {GROUP, "dm-head", WG_CHAT} <= {r.chat_id for r in rows}
    await _sweep(app, clock, vn(2026, 3, 17, 9))
    assert await outbox.new() == []


async def test_daily_overdue_list_until_answered(app: App, clock: FakeClock) -> None:
    code, officer_id, _ = await _taken_ticket(app, clock)
    outbox = Outbox(app)
    await _sweep(app, clock, vn(2026, 3, 17, 8))
    await outbox.skip()
    await _sweep(app, clock, vn(2026, 3, 17, 10))
    assert await outbox.new() == []  # one list a day

    await _sweep(app, clock, vn(2026, 3, 18, 8))
    listing = texts(await outbox.new(), WG_CHAT)
    assert len(listing) == 1 and "Danh sách phản ánh quá hạn ngày 18/03/2026" in listing[0]
    assert code in listing[0] and "quá 2 ngày làm việc" in listing[0]

    await act(app, clock, vn(2026, 3, 18, 9), code, "resolve", "Đã giải quyết")
    await outbox.skip()
    await _sweep(app, clock, vn(2026, 3, 19, 8))
    assert texts(await outbox.new(), WG_CHAT) == []


async def test_downtime_across_two_levels_sends_only_the_higher(app: App, clock: FakeClock) -> None:
    await bind_chats(app)
    # Not taken: the acknowledge window (2 working days) runs Mon 02/03 00:00 → Wed 04/03 24:00 (72 h):
    # 50 % at Tue 03/03 12:00, 80 % at Wed 04/03 09:36. The bot was down until Wed 10:00.
    code = await submit(app, clock, vn(2026, 3, 2))
    outbox = Outbox(app)
    await outbox.skip()
    await _sweep(app, clock, vn(2026, 3, 4, 10))
    group = texts(await outbox.new(), GROUP)
    assert len(group) == 1
    assert "Nhắc hạn tiếp nhận" in group[0] and "80 %" in group[0] and "50 %" not in group[0]
    assert f"/take {code}" in group[0]
    await _sweep(app, clock, vn(2026, 3, 4, 11))
    assert await outbox.new() == []


async def test_restart_between_levels(db_url: str, clock: FakeClock) -> None:
    first = await build(make_config(db_url), clock=clock, migrate=True)
    first.console.out = io.StringIO()  # type: ignore[union-attr]
    code, _, _ = await _taken_ticket(first, clock)
    await _sweep(first, clock, vn(2026, 3, 9, 13))
    await stop(first)

    second = await build(make_config(db_url), clock=clock, migrate=True)
    try:
        outbox = Outbox(second)
        await outbox.skip()
        await _sweep(second, clock, vn(2026, 3, 9, 15))  # same level after the restart: nothing
        assert await outbox.new() == []
        await _sweep(second, clock, vn(2026, 3, 13, 8))
        group = texts(await outbox.new(), GROUP)
        assert len(group) == 1 and "80 %" in group[0] and code in group[0]
    finally:
        await stop(second)


async def test_nothing_fires_while_paused(app: App, clock: FakeClock) -> None:
    code, officer_id, _ = await _taken_ticket(app, clock)
    await act(app, clock, vn(2026, 3, 3, 9), code, "ask", "Xin gửi bản sao giấy phép")
    outbox = Outbox(app)
    await outbox.skip()
    for when in (vn(2026, 3, 9, 13), vn(2026, 3, 13, 8), vn(2026, 3, 17, 8), vn(2026, 3, 20, 8)):
        result = await _sweep(app, clock, when)
        assert result.reminders == result.escalations == 0
    assert await outbox.new() == []
    report = await sla.report(app.core, vn(2026, 3, 20, 8))
    assert "Tạm dừng, chờ doanh nghiệp bổ sung thông tin (1)" in report and code in report

    # The business answers on Fri 20/03: 13 working days paused (04/03–20/03), so the deadline moves from
    # Mon 16/03 by 13 working days to Thu 02/04.
    await act(app, clock, vn(2026, 3, 20, 9), code, "info_received", "Đã gửi bản sao")
    due = (await ticket(app, code)).answer_due_at
    assert due == vn(2026, 4, 2, 23, 59).replace(second=59, microsecond=999999)
    await _sweep(app, clock, vn(2026, 3, 20, 10))
    assert texts(await outbox.new(), WG_CHAT) == []  # not overdue: the pause moved the deadline


async def test_working_hours_rule_and_environment_override(db_url: str, clock: FakeClock) -> None:
    async with console_app(db_url, clock, notify_hours="08:00-11:00") as app:
        await _taken_ticket(app, clock)
        outbox = Outbox(app)
        await outbox.skip()
        assert (await _sweep(app, clock, vn(2026, 3, 14, 9))).skipped_outside_hours  # Saturday
        assert (await _sweep(app, clock, vn(2026, 3, 16, 7, 45))).skipped_outside_hours  # before 08:00
        assert (await _sweep(app, clock, vn(2026, 3, 13, 11, 30))).skipped_outside_hours  # after 11:00
        assert await outbox.new() == []
        await _sweep(app, clock, vn(2026, 3, 16, 8))
        group = texts(await outbox.new(), GROUP)
        assert len(group) == 1 and "80 %" in group[0]  # 50 % and 80 % both due: only the higher one


async def test_transfer_restarts_the_acknowledge_ladder_for_the_new_agency(app: App, clock: FakeClock) -> None:
    await bind_chats(app)
    code = await submit(app, clock, vn(2026, 3, 2))
    await _sweep(app, clock, vn(2026, 3, 4, 10))  # 80 % of the acknowledge window at Sở Tài chính
    await act(app, clock, vn(2026, 3, 4, 11), code, "transfer", "so_xay_dung", "Thuộc lĩnh vực xây dựng")
    outbox = Outbox(app)
    await outbox.skip()
    # New acknowledge window Wed 04/03 11:00 → Fri 06/03 24:00 (13 h + 24 h + 24 h = 61 h of working-day
    # time): 50 % at Thu 05/03 17:30 (after hours), so it goes out Fri 06/03 07:30.
    await _sweep(app, clock, vn(2026, 3, 5, 16))
    assert await outbox.new() == []
    await _sweep(app, clock, vn(2026, 3, 6, 7, 30))
    rows = await outbox.new()
    assert [r.chat_id for r in rows] == ["group-so_xay_dung"]
    assert "50 %" in rows[0].payload["text"] and "Sở Xây dựng" in rows[0].payload["text"]
