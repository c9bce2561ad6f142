"""The satisfaction loop: a rating reminder after 3 working days, closing after 7, reopening counted."""

from __future__ import annotations

from bot.app import App
from bot.core import sla
from bot.core.authz import Actor
from bot.core.stats import compute_stats
from tests.conftest import FakeClock
from tests.sla_support import Outbox, act, add_business, bind_chats, submit, ticket, vn


async def test_rating_reminder_then_auto_close_then_reopen(app: App, clock: FakeClock) -> None:
    await bind_chats(app)
    business = await add_business(app, "biz-1")
    code = await submit(app, clock, vn(2026, 3, 2, 9), identity_id=business.id)
    await act(app, clock, vn(2026, 3, 2, 10), code, "resolve", "Sở đã cấp lại giấy chứng nhận.")
    outbox = Outbox(app)
    await outbox.skip()

    clock.now = vn(2026, 3, 4, 9)  # 2 working days after the answer
    assert (await sla.sweep(app.core)).rating_reminders == 0
    clock.now = vn(2026, 3, 5, 9)  # 3 working days
    assert (await sla.sweep(app.core)).rating_reminders == 1
    rows = await outbox.new()
    assert [r.chat_id for r in rows] == ["biz-1"]
    assert "có hài lòng" in rows[0].payload["text"] and code in rows[0].payload["text"]
    payloads = [b["payload"] for row in rows[0].payload["buttons"] for b in row]
    assert payloads == [f"rate:{code}:{n}" for n in range(1, 6)] + [f"reopen:{code}"]
    clock.now = vn(2026, 3, 10, 9)
    assert (await sla.sweep(app.core)).rating_reminders == 0  # once
    assert await outbox.new() == []

    clock.now = vn(2026, 3, 11, 9)  # 7 working days: closed without confirmation
    assert (await sla.sweep(app.core)).auto_closed == 1
    closed = await ticket(app, code)
    assert closed.state == "closed" and closed.close_reason == "no_answer"
    assert closed.events[-1].action == "close" and closed.events[-1].actor_kind == "system"
    assert "đã kết thúc" in (await outbox.new())[0].payload["text"]
    assert (await sla.sweep(app.core)).auto_closed == 0

    # Within 14 days the business presses "Chưa giải quyết xong": back to the agency, counted as reopened.
    owner = Actor(role="business", ref=f"identity:{business.id}", identity_id=business.id)
    await act(app, clock, vn(2026, 3, 12, 9), code, "reopen", "not_solved", actor=owner)
    reopened = await ticket(app, code)
    assert reopened.state == "in_progress" and reopened.reopen_count == 1
    async with app.core.maker() as session:
        [week] = await compute_stats(session, app.core, vn(2026, 3, 9), vn(2026, 3, 16), "all")
    assert week.reopened == 1
    assert week.answered == 0 and week.open == 1  # an answer the business rejected does not stand


async def test_confirmed_rating_closes_without_reminders(app: App, clock: FakeClock) -> None:
    business = await add_business(app, "biz-2")
    code = await submit(app, clock, vn(2026, 3, 2, 9), identity_id=business.id)
    await act(app, clock, vn(2026, 3, 2, 10), code, "resolve", "Đã xong.")
    owner = Actor(role="business", ref=f"identity:{business.id}", identity_id=business.id)
    await act(app, clock, vn(2026, 3, 2, 11), code, "rate", 5, actor=owner)
    clock.now = vn(2026, 3, 5, 9)
    result = await sla.sweep(app.core)
    assert result.rating_reminders == result.auto_closed == 0
    assert (await ticket(app, code)).close_reason == "confirmed"
