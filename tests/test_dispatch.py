"""The dispatcher: a refused action is rolled back and answered politely; officer dialogs can be cancelled."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import func, select

from bot.app import App
from bot.channels.base import Incoming
from bot.core.i18n import t
from bot.core.lifecycle import LifecycleError, get_ticket
from handlers.context import Ctx
from storage.models import DialogState, Identity, OutboxMessage, Ticket
from tests.app_support import temporary_command
from tests.console_driver import ConsoleDriver
from tests.test_console import TEXT, button, submit_tax_complaint


async def _half_done_then_refused(ctx: Ctx, _arg: str) -> None:
    """A handler that changes several things and is then refused by the core."""
    assert ctx.identity is not None
    ctx.identity.language = "zh"
    await ctx.set_dialog("kind", {"text": "không được lưu"})
    ctx.say("cancelled")
    raise LifecycleError("bad_transition", action="resolve", state="closed")


@pytest.fixture
def refusing_command() -> Iterator[str]:
    with temporary_command("/thu_loi", _half_done_then_refused) as name:
        yield name


async def test_a_refused_handler_leaves_nothing_but_a_polite_answer(app: App, refusing_command: str) -> None:
    msg = Incoming(channel="console", user_id="u9", chat_id="u9", text=refusing_command, event_id="e1")
    assert await app.dispatcher.handle(msg) is True
    async with app.core.maker() as session:
        identity = (await session.execute(select(Identity).where(Identity.user_id == "u9"))).scalar_one()
        assert identity.language is None
        assert await session.get(DialogState, ("console", "u9")) is None
        texts = [r.payload["text"] for r in (await session.execute(select(OutboxMessage))).scalars()]
    assert texts == [t("err_bad_transition", "vi", state=t("state_closed", "vi"))]
    assert "(Đã kết thúc)" in texts[0]
    assert await app.dispatcher.handle(msg) is False  # the refusal itself was recorded once


async def test_officer_can_cancel_a_button_prompt_in_the_group(app: App) -> None:
    console = ConsoleDriver(app)
    code = await submit_tax_complaint(console)
    out = await console.type("/as officer thue_tinh")
    out = await console.type(button(out, "Hỏi thêm"))
    assert code in out
    out = await console.type("/cancel")
    assert t("cancelled", "vi") in out
    out = await console.type("Câu này chỉ là trao đổi nội bộ, không phải câu hỏi cho doanh nghiệp")
    async with app.core.maker() as session:
        ticket = await get_ticket(session, code)
        assert ticket is not None and ticket.state == "new"
        assert [e.action for e in ticket.events] == ["submitted"]


async def test_business_answer_to_a_question_resumes_the_ticket(app: App) -> None:
    console = ConsoleDriver(app)
    code = await submit_tax_complaint(console)
    await console.type("/as officer thue_tinh")
    out = await console.type(f"/ask {code} Xin gửi số tờ khai hoàn thuế.")
    assert "Xin gửi số tờ khai hoàn thuế." in out  # printed in the business chat
    await console.type("/as enterprise")
    out = await console.type("Tờ khai số 01/GTGT ngày 05/12/2025")
    assert code in out
    async with app.core.maker() as session:
        ticket = await get_ticket(session, code)
        assert ticket is not None and ticket.state == "in_progress"
        assert [e.action for e in ticket.events][-2:] == ["ask", "info_received"]
        assert (await session.execute(select(func.count()).select_from(Ticket))).scalar_one() == 1
        assert await session.get(DialogState, ("console", "enterprise")) is None
    # while nothing is awaited, the same kind of text starts a new submission
    out = await console.type(TEXT)
    assert t("ask_kind", "vi") in out
