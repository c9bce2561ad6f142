"""A full console session through the console adapter, and bad input that must change nothing."""

from __future__ import annotations

import io
import logging
import re
import sys

from prompt_toolkit import PromptSession
from prompt_toolkit.history import InMemoryHistory
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput
from sqlalchemy import func, select

from bot.app import App, build, stop
from bot.core.i18n import t
from bot.core.lifecycle import get_ticket
from storage.models import DialogState, Identity, Ticket
from tests.conftest import FakeClock, make_config
from tests.console_driver import ConsoleDriver

TEXT = "Công ty chúng tôi nộp hồ sơ đề nghị hoàn thuế giá trị gia tăng từ tháng 12 nhưng đến nay chưa được giải quyết."
CODE = re.compile(r"LS-[23456789ABCDEFGHJKMNPQRSTVWXYZ]{6}")


def button(printed: str, label: str) -> str:
    """The number shown in front of a button label."""
    match = re.search(r"\[(\d+)\] " + re.escape(label) + r"\n", printed)
    assert match is not None, f"no button {label!r} in:\n{printed}"
    return match.group(1)


def v(key: str, **params: object) -> str:
    return t(key, "vi", **params)


async def _count(app: App, model: type) -> int:
    async with app.core.maker() as session:
        return int((await session.execute(select(func.count()).select_from(model))).scalar_one())


async def submit_tax_complaint(console: ConsoleDriver, *, confidential: bool = False, kind: str = "Phản ánh") -> str:
    """Walk the intake dialog as a business owner would (`kind`: the button pressed); returns the tracking code."""
    out = await console.type(TEXT)
    assert v("ask_kind") in out
    out = await console.type(button(out, kind))
    assert v("ask_name").split(".")[0] in out
    out = await console.type("Nguyễn Văn An")
    assert "số điện thoại" in out
    out = await console.type("0912 345 678")
    assert "Tên doanh nghiệp" in out
    out = await console.type("Công ty TNHH Hữu Nghị")
    assert "Mã số thuế" in out
    out = await console.type(button(out, "Bỏ qua"))
    assert "Xã, phường" in out
    out = await console.type("Đồng Đăng")
    assert v("ask_confidential").split("?")[0] in out
    out = await console.type(button(out, "Có" if confidential else "Không"))
    assert "công khai" in out
    out = await console.type(button(out, "Có"))
    assert "Xin kiểm tra lại trước khi gửi" in out and "Nguyễn Văn An, 0912345678" in out
    # pick the topic explicitly, as a business may when the suggestion is wrong
    out = await console.type(button(out, "Chọn lĩnh vực khác"))
    out = await console.type(button(out, "Thuế, hoàn thuế và thanh quyết toán"))
    assert "Cơ quan chủ trì: Thuế tỉnh" in out and "Hạn trả lời dự kiến: 24/03/2026" in out
    out = await console.type(button(out, "Gửi"))
    match = CODE.search(out)
    assert match is not None, out
    assert "Hạn trả lời: 24/03/2026" in out and "Thuế tỉnh" in out
    return match.group(0)


async def test_full_session_submit_take_reply_resolve_rate(app: App) -> None:
    console = ConsoleDriver(app)
    code = await submit_tax_complaint(console)
    out = await console.type(f"/status {code.lower()}")
    assert code in out and "24/03/2026" in out

    out = await console.type("/as officer thue_tinh")
    assert f"📥 Phản ánh {code} · {v('state_new')}" in out and "Nguyễn Văn An, 0912345678" in out  # held card
    out = await console.type("/inbox")
    assert code in out and v("state_new") in out
    out = await console.type(f"/take {code}")
    assert v("take_ok", code=code, due="24/03/2026") in out
    assert v("taken", code=code, agency="Thuế tỉnh", due="24/03/2026", Noun="Phản ánh") in out  # the business is told
    out = await console.type(f"/reply {code} Hồ sơ của Quý doanh nghiệp đang được kiểm tra.")
    assert v("reply_ok", code=code) in out and "Hồ sơ của Quý doanh nghiệp đang được kiểm tra." in out
    out = await console.type(f"/resolve {code} Đã hoàn thuế ngày 12/03/2026.")
    assert v("resolve_ok", code=code) in out
    assert f"Phản ánh {code} đã được trả lời." in out and "Đã hoàn thuế ngày 12/03/2026." in out

    out = await console.type("/as enterprise")
    out = await console.type(button(console.out.getvalue().rsplit("── enterprise ──", 1)[1], "5"))
    assert v("rated", code=code, noun="phản ánh") in out
    async with app.core.maker() as session:
        ticket = await get_ticket(session, code)
        assert ticket is not None
        assert (ticket.state, ticket.rating, ticket.agency_id) == ("closed", 5, "thue_tinh")
        assert [e.action for e in ticket.events] == ["submitted", "take", "replied", "resolve", "rated", "close"]
        assert (ticket.contact_name, ticket.contact_phone, ticket.company, ticket.commune_code) == (
            "Nguyễn Văn An",
            "0912345678",
            "Công ty TNHH Hữu Nghị",
            ticket.commune_code,
        )
        assert ticket.commune_code is not None and ticket.consent_publish and not ticket.confidential
    out = await console.type(f"/status {code}")
    assert v("state_closed") in out and "Đã hoàn thuế ngày 12/03/2026." in out


async def test_refusals_are_polite_and_change_nothing(app: App) -> None:
    console = ConsoleDriver(app)
    code = await submit_tax_complaint(console)
    await console.type("/as officer so_tai_chinh")
    out = await console.type(f"/take {code}")
    assert "không có quyền" in out and "Thuế tỉnh" in out
    await console.type("/as officer thue_tinh")
    out = await console.type(f"/resolve {code}")
    assert v("err_answer_required") in out
    out = await console.type(f"/transfer {code} so_tai_chinh")
    assert v("err_reason_required") in out
    out = await console.type(f"/extend {code} 11 Phức tạp")
    assert v("err_bad_extension", limit=10) in out
    async with app.core.maker() as session:
        ticket = await get_ticket(session, code)
        assert ticket is not None
        assert (ticket.state, [e.action for e in ticket.events]) == ("new", ["submitted"])
    out = await console.type(f"/resolve {code} Đã xử lý xong.")
    assert v("resolve_ok", code=code) in out
    out = await console.type(f"/resolve {code} Lần nữa.")
    assert "trạng thái hiện tại" in out
    async with app.core.maker() as session:
        ticket = await get_ticket(session, code)
        assert ticket is not None
        assert [e.action for e in ticket.events] == ["submitted", "take", "resolve"]


async def test_confidential_identity_is_seen_by_the_coordinator_only(app: App) -> None:
    console = ConsoleDriver(app)
    code = await submit_tax_complaint(console, confidential=True)
    out = await console.type("/as officer thue_tinh")
    assert code in out and "0912345678" not in out and "Nguyễn Văn An" not in out
    out = await console.type(f"/show {code}")
    assert code in out and "0912345678" not in out
    out = await console.type("/as coordinator")
    out = await console.type(f"/show {code}")
    assert "Nguyễn Văn An" in out and "0912345678" in out
    out = await console.type("/as admin")
    out = await console.type(f"/show {code}")
    assert code in out and "0912345678" not in out


async def test_too_long_text_gets_a_polite_message_and_changes_nothing(app: App) -> None:
    console = ConsoleDriver(app)
    out = await console.type("Đề nghị " + "x" * 3993)
    assert len("Đề nghị " + "x" * 3993) == 4001
    assert v("too_long", limit="4.000") in out
    async with app.core.maker() as session:
        assert await session.get(DialogState, ("console", "enterprise")) is None
        identity = (await session.execute(select(Identity))).scalar_one()
        assert identity.language is None
    assert await _count(app, Ticket) == 0
    out = await console.type("Đề nghị " + "x" * 3992)  # exactly 4,000 is fine
    assert v("ask_kind") in out
    out = await console.type("Thêm một câu nữa")  # more text at the kind step would pass the limit
    assert v("too_long", limit="4.000") in out
    async with app.core.maker() as session:
        state = await session.get(DialogState, ("console", "enterprise"))
        assert state is not None and state.step == "kind" and len(state.data["text"]) == 4000


async def test_invalid_phone_is_asked_again(app: App) -> None:
    console = ConsoleDriver(app)
    out = await console.type(TEXT)
    out = await console.type(button(out, "Kiến nghị"))
    out = await console.type("Lê Thị Hoa")
    for bad in ("12345", "0123456789", "091234567a", "+1 202 555 0100"):
        out = await console.type(bad)
        assert v("bad_phone").split(".")[0] in out, bad
    async with app.core.maker() as session:
        state = await session.get(DialogState, ("console", "enterprise"))
        assert state is not None and state.step == "phone" and "phone" not in state.data
    out = await console.type("+84 912 345 678")
    assert "Tên doanh nghiệp" in out


async def test_unknown_command_cancel_and_unknown_status(app: App) -> None:
    console = ConsoleDriver(app)
    assert v("unknown_command") in await console.type("/xoa_het")
    assert v("nothing_to_cancel") in await console.type("/cancel")
    await console.type(TEXT)
    assert v("cancelled") in await console.type("/cancel")
    async with app.core.maker() as session:
        assert await session.get(DialogState, ("console", "enterprise")) is None
    assert await _count(app, Ticket) == 0
    assert v("status_unknown", code="LS-ABCDEF") in await console.type("/status LS-ABCDEF")
    assert "không phải là mã tra cứu hợp lệ" in await console.type("/status xyz")  # malformed, not missing


async def test_a_restart_mid_dialog_continues_it(db_url: str, clock: FakeClock) -> None:
    first = await build(make_config(db_url), clock=clock, migrate=True)
    console = ConsoleDriver(first)
    out = await console.type(TEXT)
    out = await console.type(button(out, "Hỏi đáp"))
    out = await console.type("Phạm Minh Đức")
    await stop(first)

    second = await build(make_config(db_url), clock=clock, migrate=True)
    try:
        assert second.console is not None
        second.console.out = io.StringIO()
        console = ConsoleDriver(second)
        out = await console.type("0987 654 321")
        assert "Tên doanh nghiệp" in out
        out = await console.type("1")  # the «Bỏ qua» button shown before the restart still works
        assert "Mã số thuế" in out
        out = await console.type("0100109106")
        out = await console.type(button(out, "Bỏ qua"))
        out = await console.type(button(out, "Không"))
        out = await console.type(button(out, "Không"))
        out = await console.type(button(out, "Gửi"))
        code = CODE.search(out)
        assert code is not None
        async with second.core.maker() as session:
            ticket = await get_ticket(session, code.group(0))
            assert ticket is not None
            assert (ticket.kind, ticket.contact_name, ticket.contact_phone, ticket.tax_code) == (
                "hoi_dap",
                "Phạm Minh Đức",
                "0987654321",
                "0100109106",
            )
            assert ticket.text == TEXT
    finally:
        await stop(second)


async def test_restart_keeps_numbered_choices(db_url: str, clock: FakeClock) -> None:
    first = await build(make_config(db_url), clock=clock, migrate=True)
    console = ConsoleDriver(first)
    out = await console.type(TEXT)
    kien_nghi = button(out, "Kiến nghị")
    await stop(first)
    second = await build(make_config(db_url), clock=clock, migrate=True)
    try:
        console = ConsoleDriver(second)
        out = await console.type(kien_nghi)
        assert v("ask_name").split(".")[0] in out
        async with second.core.maker() as session:
            state = await session.get(DialogState, ("console", "enterprise"))
            assert state is not None and state.data["kind"] == "kien_nghi" and state.data["text"] == TEXT
    finally:
        await stop(second)


async def test_show_gives_contact_details_to_the_agency_not_to_the_admin(app: App) -> None:
    console = ConsoleDriver(app)
    code = await submit_tax_complaint(console)
    await console.type("/as officer thue_tinh")
    out = await console.type(f"/show {code}")
    assert "Nguyễn Văn An" in out and "0912345678" in out
    await console.type("/as admin")
    out = await console.type(f"/show {code}")
    assert code in out and "0912345678" not in out and "Nguyễn Văn An" not in out


async def test_no_topic_chosen_goes_to_triage_as_confirmed(app: App) -> None:
    console = ConsoleDriver(app)
    out = await console.type(TEXT)
    for answer in ("Kiến nghị", None, "Bỏ qua", "Bỏ qua", "Bỏ qua", "Không", "Không"):
        out = await console.type(button(out, answer) if answer else "Trần Văn Bình")
        if answer is None:
            out = await console.type("0912345678")
    out = await console.type(button(out, "Chọn lĩnh vực khác"))
    out = await console.type(button(out, v("topic_none")))
    assert "Cơ quan chủ trì: Sở Tài chính" in out
    out = await console.type(button(out, "Gửi"))
    code = CODE.search(out)
    assert code is not None
    async with app.core.maker() as session:
        ticket = await get_ticket(session, code.group(0))
        assert ticket is not None
        assert (ticket.state, ticket.topic_id, ticket.agency_id) == ("triage", None, "so_tai_chinh")


async def test_the_terminal_prompt_edits_lines_recalls_history_and_keeps_log_lines_above_it(app: App) -> None:
    """Issue 13, item 9: a typo fixed with Backspace, ↑ recalls the last line, logs go through the prompt's proxy."""
    assert app.console is not None
    console, out = app.console, io.StringIO()
    console.out = out
    terminal = logging.StreamHandler(sys.__stderr__)
    logging.getLogger().addHandler(terminal)
    streams: list[str] = []
    typed = ["\x1b[A\r", "\x04"]  # then ↑ and Enter (/help again), then Ctrl-D, each once the bot has answered

    with create_pipe_input() as keys:

        async def after() -> None:
            streams.append(type(terminal.stream).__name__)
            await app.sender.drain()
            keys.send_text(typed.pop(0))

        session: PromptSession[str] = PromptSession(input=keys, output=DummyOutput(), history=InMemoryHistory())
        keys.send_text("/hlep\x7f\x7f\x7felp\r")  # three Backspaces turn the typo into /help
        try:
            await console.repl(after, session)
        finally:
            logging.getLogger().removeHandler(terminal)
    assert list(session.history.get_strings()) == ["/help"]  # a line repeated at once is kept once
    assert out.getvalue().count(v("help").splitlines()[0]) == 2  # the recalled line was sent again
    assert streams == ["StdoutProxy", "StdoutProxy"]  # log lines are printed above the prompt, not through it
    assert terminal.stream is sys.__stderr__  # and go back to the terminal afterwards
