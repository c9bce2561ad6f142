"""The ticket state machine: every allowed and refused transition, deadlines, and the audit trail."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.app import App, stop
from bot.core import lifecycle
from bot.core.authz import SYSTEM, Actor
from bot.core.fmt import fmt_date
from bot.core.lifecycle import LifecycleError
from storage.models import Message, OutboxMessage, Ticket
from tests.conftest import FakeClock
from tests.fakes.world import (
    Cast,
    app_on_copy,
    event_count,
    load,
    make_cast,
    migrated_template,
    on_ticket,
    session_of,
    submit,
    ticket_in,
)

STATES = ("triage", "new", "in_progress", "awaiting_info", "resolved", "closed", "rejected")
# What the issue allows, written out independently of lifecycle.TRANSITIONS: action -> {from: to}.
# reply/extend/rate are not state changes of their own but are only possible in these states.
ALLOWED: dict[str, dict[str, str]] = {
    "assign": {"triage": "new"},
    "take": {"new": "in_progress"},
    "transfer": {"new": "new", "in_progress": "new"},
    "ask": {"new": "awaiting_info", "in_progress": "awaiting_info"},
    "info_received": {"awaiting_info": "in_progress"},
    "reply": {"new": "in_progress", "in_progress": "in_progress", "awaiting_info": "awaiting_info"},
    "resolve": {"new": "resolved", "in_progress": "resolved"},
    "reject": {"new": "rejected", "in_progress": "rejected"},
    "close": {"resolved": "closed"},
    "reopen": {"resolved": "in_progress", "closed": "in_progress"},
    "extend": {"new": "new", "in_progress": "in_progress", "awaiting_info": "awaiting_info"},
    "rate": {"resolved": "closed", "closed": "closed"},
}
# The events each action leaves (an officer's first reply/question/answer on a new ticket also takes it).
EVENTS = {
    "assign": ["assign"],
    "take": ["take"],
    "transfer": ["transfer"],
    "ask": ["ask"],
    "info_received": ["info_received"],
    "reply": ["replied"],
    "resolve": ["resolve"],
    "reject": ["reject"],
    "close": ["close"],
    "reopen": ["reopen"],
    "extend": ["extended"],
    "rate": ["rated"],
}
IMPLICIT_TAKE = {"ask", "reply", "resolve"}


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return migrated_template(tmp_path_factory.mktemp("lifecycle"))


@pytest.fixture
async def world(template: Path, tmp_path: Path, clock: FakeClock) -> AsyncIterator[tuple[App, Cast]]:
    application = await app_on_copy(template, tmp_path, clock)
    yield application, await make_cast(application, clock)
    await stop(application)


def _staff_for(cast: Cast, ticket: Ticket) -> Actor:
    return cast.officer if ticket.agency_id == "thue_tinh" else cast.other


async def _perform(app: App, cast: Cast, ticket: Ticket, action: str) -> None:
    """Do `action` with valid arguments, as the person who would normally do it."""
    core = app.core
    async with session_of(app) as session:
        tk = await lifecycle.get_ticket(session, ticket.code)
        assert tk is not None
        staff = _staff_for(cast, tk)
        calls: dict[str, Callable[[], Awaitable[object]]] = {
            "assign": lambda: lifecycle.assign(session, core, tk, cast.coordinator, "thue_tinh"),
            "take": lambda: lifecycle.take(session, core, tk, staff),
            "transfer": lambda: lifecycle.transfer(
                session,
                core,
                tk,
                staff,
                "so_tai_chinh" if tk.agency_id != "so_tai_chinh" else "thue_tinh",
                "Không thuộc thẩm quyền",
            ),
            "ask": lambda: lifecycle.ask(session, core, tk, staff, "Xin gửi tờ khai"),
            "info_received": lambda: lifecycle.info_received(session, core, tk, cast.business, "Đây là tờ khai"),
            "reply": lambda: lifecycle.reply(session, core, tk, staff, "Chúng tôi đang kiểm tra"),
            "resolve": lambda: lifecycle.resolve(session, core, tk, staff, "Đã giải quyết"),
            "reject": lambda: lifecycle.reject(session, core, tk, staff, "Ngoài phạm vi"),
            "close": lambda: lifecycle.close(session, core, tk, SYSTEM, "no_answer"),
            "reopen": lambda: lifecycle.reopen(session, core, tk, cast.business, "not_solved"),
            "extend": lambda: lifecycle.extend(session, core, tk, staff, 5, "Cần lấy ý kiến Sở Xây dựng"),
            "rate": lambda: lifecycle.rate(session, core, tk, cast.business, 5),
        }
        await calls[action]()


async def _outbox_count(app: App) -> int:
    async with app.core.maker() as session:
        return int((await session.execute(select(func.count()).select_from(OutboxMessage))).scalar_one())


@pytest.mark.parametrize("action", sorted(ALLOWED))
async def test_every_action_from_every_state(world: tuple[App, Cast], action: str) -> None:
    app, cast = world
    for state in STATES:
        code = await ticket_in(app, cast, state)
        before = await load(app, code)
        assert before.state == state
        outbox_before = await _outbox_count(app)
        target = ALLOWED[action].get(state)
        if target is None:
            with pytest.raises(LifecycleError) as err:
                await _perform(app, cast, before, action)  # the session commits: nothing must have changed
            assert err.value.code == "bad_transition", (action, state)
            after = await load(app, code)
            assert (after.state, after.updated_at, len(after.events)) == (
                state,
                before.updated_at,
                len(before.events),
            ), (action, state)
            assert await _outbox_count(app) == outbox_before, (action, state)
            continue
        await _perform(app, cast, before, action)
        after = await load(app, code)
        assert after.state == target, (action, state)
        expected = (["take"] if action in IMPLICIT_TAKE and state == "new" else []) + EVENTS[action]
        if action == "rate" and state == "resolved":
            expected.append("close")
        new_events = after.events[len(before.events) :]
        assert [e.action for e in new_events] == expected, (action, state)
        if expected[-1] not in {"replied", "extended", "rated"}:
            assert new_events[-1].to_state == target
        assert await _outbox_count(app) > outbox_before or action == "close", (action, state)


async def test_implicit_take_records_both_events(world: tuple[App, Cast], clock: FakeClock) -> None:
    app, cast = world
    code = await ticket_in(app, cast, "new")
    clock.advance(hours=3)
    await on_ticket(app, code, lifecycle.reply, cast.officer, "Chúng tôi đã nhận và đang xem xét.")
    after = await load(app, code)
    assert [e.action for e in after.events] == ["submitted", "take", "replied"]
    assert after.events[1].actor_id == cast.officer.ref
    assert after.taken_at == clock.now and after.first_response_at == clock.now
    assert after.assignee_id == cast.officer.officer_id
    async with app.core.maker() as session:
        texts = [
            r.payload["text"]
            for r in (
                await session.execute(
                    select(OutboxMessage).where(OutboxMessage.audience == "business").order_by(OutboxMessage.id)
                )
            ).scalars()
        ]
    assert any("Chúng tôi đã nhận và đang xem xét." in x for x in texts)


async def test_refused_action_of_other_agency_changes_nothing(world: tuple[App, Cast]) -> None:
    app, cast = world
    code = await ticket_in(app, cast, "new")
    with pytest.raises(LifecycleError) as err:
        await on_ticket(app, code, lifecycle.reply, cast.other, "Trả lời hộ")
    assert err.value.code == "forbidden"
    after = await load(app, code)
    assert after.state == "new" and [e.action for e in after.events] == ["submitted"]


async def test_transfer_keeps_answer_deadline_and_gives_fresh_ack(world: tuple[App, Cast], clock: FakeClock) -> None:
    app, cast = world
    code = await ticket_in(app, cast, "in_progress")
    first = await load(app, code)
    clock.advance(days=2)  # Thu 12/03/2026
    for reason in ("", "   "):
        with pytest.raises(LifecycleError) as err:
            await on_ticket(app, code, lifecycle.transfer, cast.officer, "so_tai_chinh", reason)
        assert err.value.code == "reason_required"
    for agency, error in (("thue_tinh", "same_agency"), ("bo_khong_co", "unknown_agency")):
        with pytest.raises(LifecycleError) as err:
            await on_ticket(app, code, lifecycle.transfer, cast.officer, agency, "Lý do")
        assert err.value.code == error
    assert await event_count(app, code) == len(first.events)
    await on_ticket(app, code, lifecycle.transfer, cast.officer, "so_tai_chinh", "Thuộc lĩnh vực đầu tư")
    moved = await load(app, code)
    assert (moved.state, moved.agency_id, moved.transfer_count) == ("new", "so_tai_chinh", 1)
    assert moved.answer_due_at == first.answer_due_at
    ack_days, _ = app.core.rules.sla.sla_for(moved.kind, moved.topic_id)
    assert moved.ack_due_at == app.core.calendar.add_working_days(clock.now, ack_days)
    assert moved.ack_due_at > first.ack_due_at
    assert moved.assignee_id is None and moved.agency_since == clock.now
    last = moved.events[-1]
    assert (last.from_agency, last.to_agency, last.reason) == ("thue_tinh", "so_tai_chinh", "Thuộc lĩnh vực đầu tư")
    # the old agency has lost it; the new one takes it and may send it on (counted again)
    with pytest.raises(LifecycleError, match="forbidden"):
        await on_ticket(app, code, lifecycle.take, cast.officer)
    async with session_of(app) as session:
        tk = await lifecycle.get_ticket(session, code)
        assert tk is not None
        await lifecycle.take(session, app.core, tk, cast.other)
        await lifecycle.transfer(session, app.core, tk, cast.other, "van_phong_ubnd", "Thủ tục hành chính")
    again = await load(app, code)
    assert again.transfer_count == 2 and again.answer_due_at == first.answer_due_at


async def test_pause_adds_back_paused_working_days(world: tuple[App, Cast], clock: FakeClock) -> None:
    app, cast = world
    code = await ticket_in(app, cast, "in_progress")
    due = (await load(app, code)).answer_due_at
    assert fmt_date(due) == "24/03/2026"  # Tue 10/03/2026 + 10 working days
    await on_ticket(app, code, lifecycle.ask, cast.officer, "Xin gửi hợp đồng")
    paused = await load(app, code)
    assert paused.paused_at == clock.now and paused.answer_due_at == due
    clock.advance(days=7)  # the business answers on Tue 17/03: five working days later
    await on_ticket(app, code, lifecycle.info_received, cast.business, "Hợp đồng đính kèm", [("photo", "f1", None)])
    resumed = await load(app, code)
    assert resumed.state == "in_progress" and resumed.paused_at is None
    assert resumed.answer_due_at == app.core.calendar.add_working_days(due, 5)
    assert fmt_date(resumed.answer_due_at) == "31/03/2026"
    # an answer on the same day as the question adds nothing
    async with session_of(app) as session:
        tk = await lifecycle.get_ticket(session, code)
        assert tk is not None
        await lifecycle.ask(session, app.core, tk, cast.officer, "Thêm bản gốc?")
        await lifecycle.info_received(session, app.core, tk, cast.business, "Có")
    assert (await load(app, code)).answer_due_at == resumed.answer_due_at


async def test_extension_once_up_to_limit_with_reason(world: tuple[App, Cast]) -> None:
    app, cast = world
    code = await ticket_in(app, cast, "in_progress")
    due = (await load(app, code)).answer_due_at
    limit = app.core.rules.sla.extension_max
    assert limit == 10
    for days, reason, error in (
        (limit + 1, "Phức tạp", "bad_extension"),
        (0, "Phức tạp", "bad_extension"),
        (5, " ", "reason_required"),
    ):
        with pytest.raises(LifecycleError) as err:
            await on_ticket(app, code, lifecycle.extend, cast.officer, days, reason)
        assert err.value.code == error
    await on_ticket(app, code, lifecycle.extend, cast.head, limit, "Cần lấy ý kiến liên ngành")
    extended = await load(app, code)
    assert extended.extension_days == limit
    assert extended.answer_due_at == app.core.calendar.add_working_days(due, limit)
    assert extended.events[-1].action == "extended" and extended.events[-1].reason == "Cần lấy ý kiến liên ngành"
    with pytest.raises(LifecycleError, match="already_extended"):
        await on_ticket(app, code, lifecycle.extend, cast.officer, 1, "Thêm nữa")
    assert (await load(app, code)).answer_due_at == extended.answer_due_at


async def test_recommendation_needs_an_outcome(world: tuple[App, Cast]) -> None:
    app, cast = world
    code = await ticket_in(app, cast, "in_progress", kind="kien_nghi")
    for outcome in (None, "maybe"):
        with pytest.raises(LifecycleError, match="outcome_required"):
            await on_ticket(app, code, lifecycle.resolve, cast.officer, "Cảm ơn kiến nghị", outcome)
    assert (await load(app, code)).state == "in_progress"
    await on_ticket(app, code, lifecycle.resolve, cast.officer, "Sẽ trình UBND tỉnh", "under_study")
    done = await load(app, code)
    assert (done.state, done.outcome, done.answer_text) == ("resolved", "under_study", "Sẽ trình UBND tỉnh")
    assert done.events[-1].data["outcome"] == "under_study"


async def test_resolve_requires_answer_text(world: tuple[App, Cast]) -> None:
    app, cast = world
    code = await ticket_in(app, cast, "in_progress")
    with pytest.raises(LifecycleError, match="answer_required"):
        await on_ticket(app, code, lifecycle.resolve, cast.officer, "  ")
    with pytest.raises(LifecycleError, match="too_long"):
        await on_ticket(app, code, lifecycle.resolve, cast.officer, "x" * 4001)
    assert (await load(app, code)).state == "in_progress"


async def test_misconduct_report_goes_to_inspectorate_confidentially(world: tuple[App, Cast]) -> None:
    app, cast = world
    code = await submit(
        app,
        cast,
        kind="to_cao",
        topic_id="thue_thanh_quyet_toan",
        contact_name="Trần Thị Bình",
        contact_phone="0987654321",
        confidential=False,
        consent_publish=True,
    )
    ticket = await load(app, code)
    assert (ticket.agency_id, ticket.state, ticket.confidential, ticket.consent_publish) == (
        "thanh_tra_tinh",
        "new",
        True,
        False,
    )
    async with app.core.maker() as session:
        cards = (
            await session.execute(
                select(OutboxMessage).where(OutboxMessage.audience.in_(["agency_card", "agency_info"]))
            )
        ).scalars()
        texts = [c.payload["text"] for c in cards]
    assert texts and all("0987654321" not in x and "Trần Thị Bình" not in x for x in texts)


async def test_unknown_kind_and_empty_or_long_text_are_refused(world: tuple[App, Cast]) -> None:
    app, cast = world
    for kw, error in (
        ({"kind": "khieu_nai"}, "bad_kind"),
        ({"text": "   "}, "text_required"),
        ({"text": "a" * 4001}, "too_long"),
        ({"attachments": [("photo", f"f{i}", None) for i in range(11)]}, "too_many_attachments"),
        ({"topic_id": "khong_co"}, "unknown_topic"),
    ):
        with pytest.raises(LifecycleError) as err:
            await submit(app, cast, **kw)
        assert err.value.code == error
    async with app.core.maker() as session:
        assert (await session.execute(select(func.count()).select_from(Ticket))).scalar_one() == 0
    code = await submit(app, cast, text="a" * 4000, attachments=[("photo", f"f{i}", None) for i in range(10)])
    assert len((await load(app, code)).text) == 4000


async def test_reopen_only_within_window(world: tuple[App, Cast], clock: FakeClock) -> None:
    app, cast = world
    days = app.core.rules.satisfaction.reopen_within_days
    late = await ticket_in(app, cast, "resolved")
    early = await ticket_in(app, cast, "closed")
    clock.advance(days=days, minutes=1)
    with pytest.raises(LifecycleError) as err:
        async with session_of(app) as session:
            tk = await lifecycle.get_ticket(session, late)
            assert tk is not None
            await lifecycle.reopen(session, app.core, tk, cast.business, "not_solved")
    assert err.value.code == "reopen_expired" and err.value.params == {"days": days}
    assert (await load(app, late)).state == "resolved"
    clock.advance(minutes=-2)
    async with session_of(app) as session:
        tk = await lifecycle.get_ticket(session, early)
        assert tk is not None
        await lifecycle.reopen(session, app.core, tk, cast.business, "not_solved")
    back = await load(app, early)
    assert (back.state, back.reopen_count, back.closed_at, back.close_reason) == ("in_progress", 1, None, None)
    _, answer_days = app.core.rules.sla.sla_for(back.kind, back.topic_id)
    assert back.answer_due_at == app.core.calendar.add_working_days(clock.now, answer_days)


@pytest.mark.parametrize(
    ("score", "state", "reopened"),
    [(1, "in_progress", True), (2, "in_progress", True), (3, "closed", False), (5, "closed", False)],
)
async def test_rating_closes_or_reopens(world: tuple[App, Cast], score: int, state: str, reopened: bool) -> None:
    app, cast = world
    code = await ticket_in(app, cast, "resolved")
    assert await on_ticket(app, code, lifecycle.rate, cast.business, score) is reopened
    after = await load(app, code)
    assert (after.state, after.rating) == (state, score)
    assert after.reopen_count == int(reopened)


async def test_low_rating_after_window_only_records_it(world: tuple[App, Cast], clock: FakeClock) -> None:
    app, cast = world
    code = await ticket_in(app, cast, "closed")
    clock.advance(days=app.core.rules.satisfaction.reopen_within_days + 1)
    assert await on_ticket(app, code, lifecycle.rate, cast.business, 1) is False
    after = await load(app, code)
    assert (after.state, after.rating, after.reopen_count) == ("closed", 1, 0)


@pytest.mark.parametrize("score", [0, 6])
async def test_rating_out_of_range_is_refused(world: tuple[App, Cast], score: int) -> None:
    app, cast = world
    code = await ticket_in(app, cast, "resolved")
    with pytest.raises(LifecycleError, match="bad_rating"):
        await on_ticket(app, code, lifecycle.rate, cast.business, score)
    assert (await load(app, code)).rating is None


async def test_event_and_change_share_one_transaction(world: tuple[App, Cast]) -> None:
    app, cast = world
    code = await ticket_in(app, cast, "new")
    outbox = await _outbox_count(app)

    class Crash(Exception):
        pass

    with pytest.raises(Crash):
        async with session_of(app) as session:
            tk = await lifecycle.get_ticket(session, code)
            assert tk is not None
            await lifecycle.resolve(session, app.core, tk, cast.officer, "Đã xử lý")
            await session.flush()
            raise Crash  # e.g. the process dies before commit
    after = await load(app, code)
    assert after.state == "new" and [e.action for e in after.events] == ["submitted"]
    assert await _outbox_count(app) == outbox
    async with app.core.maker() as session:
        count = (await session.execute(select(func.count()).select_from(Message))).scalar_one()
    assert count == 1  # only the submission itself


async def test_internal_note_is_not_sent_to_the_business(world: tuple[App, Cast]) -> None:
    app, cast = world
    code = await ticket_in(app, cast, "in_progress")
    outbox = await _outbox_count(app)
    await on_ticket(app, code, lifecycle.note, cast.officer, "Đã gọi điện cho DN")
    after = await load(app, code)
    assert after.events[-1].action == "note" and after.state == "in_progress"
    assert await _outbox_count(app) == outbox
    async with app.core.maker() as session:
        note = (await session.execute(select(Message).order_by(Message.id.desc()).limit(1))).scalar_one()
    assert note.internal and note.direction == "internal"


async def test_triage_assignment_is_for_the_coordinator(world: tuple[App, Cast], clock: FakeClock) -> None:
    app, cast = world
    code = await ticket_in(app, cast, "triage")
    triage = await load(app, code)
    assert (triage.agency_id, triage.topic_id) == ("so_tai_chinh", None)
    for actor in (cast.officer, cast.other, cast.head, cast.business):
        with pytest.raises(LifecycleError, match="forbidden"):
            await on_ticket(app, code, lifecycle.assign, actor, "thue_tinh")
    with pytest.raises(LifecycleError, match="unknown_topic"):
        await on_ticket(app, code, lifecycle.assign, cast.coordinator, "thue_tinh", "khong_co")
    clock.advance(days=1)
    await on_ticket(app, code, lifecycle.assign, cast.coordinator, "thue_tinh", "thue_thanh_quyet_toan")
    assigned = await load(app, code)
    assert (assigned.state, assigned.agency_id, assigned.topic_id) == ("new", "thue_tinh", "thue_thanh_quyet_toan")
    assert assigned.answer_due_at == triage.answer_due_at
    assert assigned.ack_due_at == app.core.calendar.add_working_days(clock.now, 2)
