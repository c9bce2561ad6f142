"""Officer screens driven through the console: card headers and buttons per state, history, bad codes and topics."""

from __future__ import annotations

import re

import pytest

from bot.app import App
from bot.core import lifecycle
from bot.core.authz import SYSTEM
from bot.core.i18n import t
from tests.conftest import FakeClock
from tests.console_driver import ConsoleDriver
from tests.fakes.world import event_count, load, make_cast, on_ticket, ticket_in

# What each state lets an officer do from the card, written out independently of the lifecycle's table.
CARD_BUTTONS = {
    "triage": ["Giao cơ quan"],
    "new": ["Nhận xử lý", "Hỏi thêm", "Trả lời", "Chuyển", "Gia hạn"],
    "in_progress": ["Hỏi thêm", "Trả lời", "Chuyển", "Gia hạn"],
    "awaiting_info": ["Gia hạn"],
    "resolved": [],
    "closed": [],
    "rejected": [],
}
EVERY_BUTTON = CARD_BUTTONS["new"]


def v(key: str, **params: object) -> str:
    return t(key, "vi", **params)


async def shown(
    app: App, clock: FakeClock, state: str, role: str, kind: str = "phan_anh"
) -> tuple[ConsoleDriver, str, str]:
    """A ticket brought into `state`, and what `/show` prints to `role` ("officer thue_tinh", "coordinator")."""
    cast = await make_cast(app, clock)
    code = await ticket_in(app, cast, state, kind=kind)
    console = ConsoleDriver(app)
    await console.type(f"/as {role}")
    return console, code, await console.type(f"/show {code}")


async def test_show_history_speaks_vietnamese_from_the_public_catalog(app: App, clock: FakeClock) -> None:
    _, _, out = await shown(app, clock, "closed", "officer thue_tinh")
    history = out.split(v("show_history"), 1)[1]
    for key in ("web_ev_submitted", "web_ev_take", "web_ev_resolve", "web_ev_close"):
        assert v(key) in history
    for raw in ("· submitted", "· take", "· resolve", "· close"):
        assert raw not in history


async def test_assign_with_an_unknown_topic_is_refused_and_lists_topics(app: App, clock: FakeClock) -> None:
    cast = await make_cast(app, clock)
    code = await ticket_in(app, cast, "triage")
    before = await event_count(app, code)
    console = ConsoleDriver(app)
    await console.type("/as coordinator")
    out = await console.type(f"/assign {code} thue_tinh khong_co")
    assert "Không có lĩnh vực «khong_co»" in out and "thue_thanh_quyet_toan" in out
    assert v("assign_ok", code=code, agency="Thuế tỉnh") not in out
    ticket = await load(app, code)
    assert ticket.state == "triage" and ticket.agency_id != "thue_tinh" and ticket.topic_id is None
    assert await event_count(app, code) == before
    out = await console.type(f"/assign {code} thue_tinh thue_thanh_quyet_toan")
    assert v("assign_ok", code=code, agency="Thuế tỉnh") in out
    assert (await load(app, code)).topic_id == "thue_thanh_quyet_toan"


async def test_a_malformed_code_is_called_invalid_and_a_missing_one_not_found(app: App, clock: FakeClock) -> None:
    await make_cast(app, clock)
    console = ConsoleDriver(app)
    await console.type("/as officer thue_tinh")
    for command in ("/take", "/show", "/ask", "/reply", "/resolve", "/extend", "/reject", "/note", "/transfer"):
        out = await console.type(f"{command} NOTACODE nội dung")
        assert "«NOTACODE» không phải là mã hợp lệ" in out and "LS-XXXXXX" in out, command
    assert v("off_unknown_code", code="LS-ABCDEF") in await console.type("/take LS-ABCDEF")
    await console.type("/as coordinator")
    for command in ("/assign NOTACODE thue_tinh", "/hide NOTACODE lý do", "/unhide NOTACODE"):
        assert "«NOTACODE» không phải là mã hợp lệ" in await console.type(command), command
    await console.type("/as enterprise")
    out = await console.type("/status NOTACODE")
    assert v("status_bad_code", code="NOTACODE") in out
    assert v("status_unknown", code="LS-ABCDEF") in await console.type("/status LS-ABCDEF")


def buttons(printed: str) -> list[str]:
    """The numbered choices printed under the last message."""
    return re.findall(r"^  \[\d+\] (.+)$", printed.rsplit("── ", 1)[-1], re.MULTILINE)


@pytest.mark.parametrize(
    ("kind", "state", "header"),
    [
        ("hoi_dap", "closed", "🏁 Câu hỏi {code} · Đã kết thúc"),
        ("hoi_dap", "awaiting_info", "⏳ Câu hỏi {code} · Chờ bổ sung thông tin"),
        ("kien_nghi", "new", "📥 Kiến nghị {code} · Đã tiếp nhận, chờ xử lý"),
        ("phan_anh", "resolved", "✅ Phản ánh {code} · Đã trả lời"),
        ("phan_anh", "triage", "🗂 Phản ánh {code} · Đang phân loại"),
        ("to_cao", "new", "📥 Tố cáo {code} · Đã tiếp nhận, chờ xử lý"),
    ],
)
async def test_card_header_follows_the_kind_and_state(
    app: App, clock: FakeClock, kind: str, state: str, header: str
) -> None:
    _, code, out = await shown(app, clock, state, "coordinator", kind)
    first = out.split("\n")[1]
    assert first == header.format(code=code)
    assert "mới" not in first


async def test_card_offers_only_what_the_state_allows(app: App, clock: FakeClock) -> None:
    cast = await make_cast(app, clock)
    console = ConsoleDriver(app)
    await console.type("/as coordinator")
    for state, expected in CARD_BUTTONS.items():
        code = await ticket_in(app, cast, state)
        assert buttons(await console.type(f"/show {code}")) == expected, state


async def test_every_press_on_a_stale_card_is_answered_and_changes_nothing(app: App, clock: FakeClock) -> None:
    cast = await make_cast(app, clock)
    console = ConsoleDriver(app)
    await console.type("/as officer thue_tinh")
    for state in ("resolved", "closed", "awaiting_info"):
        for n, label in enumerate(EVERY_BUTTON, 1):
            code = await ticket_in(app, cast, "new")
            assert buttons(await console.type(f"/show {code}")) == EVERY_BUTTON
            # the ticket moves on elsewhere while this card stays on screen
            await on_ticket(app, code, lifecycle.take, cast.officer)
            if state == "awaiting_info":
                await on_ticket(app, code, lifecycle.ask, cast.officer, "Xin gửi tờ khai")
            else:
                await on_ticket(app, code, lifecycle.resolve, cast.officer, "Đã hoàn thuế", None)
            if state == "closed":
                await on_ticket(app, code, lifecycle.close, SYSTEM, "no_answer")
            before = await event_count(app, code)
            out = await console.type(str(n))
            allowed = CARD_BUTTONS[state]
            if label in allowed:
                assert "không thể" not in out, (state, label)
                continue
            assert f"{code} đang ở trạng thái «{v(f'state_{state}')}»: không thể «{label}»" in out, (state, label)
            assert buttons(out) == allowed
            if not allowed:
                assert v("card_btn_none_left", code=code) in out
            # no prompt was opened: the officer's next words are not taken as an answer or a question
            out = await console.type("Nội dung thử")
            assert "không thể" not in out and not out.strip(), (state, label, out)
            assert await event_count(app, code) == before
            assert (await load(app, code)).state == state


async def test_a_triage_card_assigns_by_button(app: App, clock: FakeClock) -> None:
    console, code, out = await shown(app, clock, "triage", "coordinator")
    out = await console.type(str(buttons(out).index("Giao cơ quan") + 1))
    assert v("prompt_assign_agency", code=code) in out
    out = await console.type(str(buttons(out).index("Thuế tỉnh") + 1))
    assert v("assign_ok", code=code, agency="Thuế tỉnh") in out
    ticket = await load(app, code)
    assert ticket.state == "new" and ticket.agency_id == "thue_tinh"
