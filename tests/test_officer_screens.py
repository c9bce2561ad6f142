"""Officer screens driven through the console: history in Vietnamese, refusals of bad codes and topics."""

from __future__ import annotations

from bot.app import App
from bot.core.i18n import t
from tests.conftest import FakeClock
from tests.console_driver import ConsoleDriver
from tests.fakes.world import event_count, load, make_cast, ticket_in


def v(key: str, **params: object) -> str:
    return t(key, "vi", **params)


async def test_show_history_speaks_vietnamese_from_the_public_catalog(app: App, clock: FakeClock) -> None:
    cast = await make_cast(app, clock)
    code = await ticket_in(app, cast, "closed")
    console = ConsoleDriver(app)
    await console.type("/as officer thue_tinh")
    out = await console.type(f"/show {code}")
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
