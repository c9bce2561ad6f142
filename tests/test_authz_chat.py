"""Authorization in the chats: a refused staff command keeps a business's draft; a hidden ticket's status is private."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select

from bot.core.i18n import t
from storage.models import DialogState, Ticket
from tests.fakes.running import started
from tests.fakes.telegram_api import text_of
from tests.fakes.telegram_harness import TAX_TEXT, Harness

pytestmark = pytest.mark.e2e


@pytest.fixture
async def h(db_url: str) -> AsyncIterator[Harness]:
    async with started(Harness(db_url, "polling")) as harness:
        yield harness


async def _dialog(h: Harness, user_id: int) -> DialogState | None:
    assert h.app is not None
    async with h.app.core.maker() as session:
        rows = await session.execute(select(DialogState).where(DialogState.user_id == str(user_id)))
        return rows.scalars().first()


@pytest.mark.parametrize("command", ["/take", "/resolve", "/hide", "/assign"])
async def test_an_officer_command_typed_mid_intake_is_refused_and_the_draft_continues(
    h: Harness, command: str
) -> None:
    await h.setup_agencies()
    code = await h.submit(h.stranger)
    owner = h.fake.user(10, "Chủ Cửa Hàng")
    mark = h.fake.mark
    h.fake.text(owner, TAX_TEXT)
    kind_question = await h.fake.next_to(owner["id"], after=mark)
    assert t("ask_kind", "vi") in text_of(kind_question)
    before = await _dialog(h, owner["id"])
    assert before is not None

    refusal = await h.say(owner, f"{command} {code} Đã xử lý xong")
    assert "dành cho cán bộ" in text_of(refusal) or "điều phối" in text_of(refusal)

    after = await _dialog(h, owner["id"])
    assert after is not None and (after.step, after.data) == (before.step, before.data)
    name_question = await h.press(owner, kind_question, "kind:phan_anh")  # the same button still works
    assert t("ask_name", "vi").split(".")[0] in text_of(name_question)
    assert (await h.ticket(code)).state == "new"


async def test_a_hidden_ticket_s_status_is_unknown_to_all_but_its_submitter_and_its_agency(h: Harness) -> None:
    await h.setup_agencies()
    code = await h.submit(h.stranger)
    assert h.app is not None
    async with h.app.core.maker() as session, session.begin():
        ticket = (await session.execute(select(Ticket).where(Ticket.code == code))).scalar_one()
        ticket.hidden, ticket.hidden_reason = True, "Có thông tin cá nhân của bên thứ ba"
    other_business = h.fake.user(11, "Doanh Nghiệp Khác")
    unknown = t("status_unknown", "vi", code=code)
    state_line = t("status_line", "vi", code=code, kind="Phản ánh", state=t("state_new", "vi"))

    for person in (other_business, h.officer2):  # another agency's officer sees no more than the public
        assert text_of(await h.say(person, f"/status {code}")) == unknown
    never_filed = "LS-222222"
    assert text_of(await h.say(other_business, f"/status {never_filed}")) == unknown.replace(code, never_filed)

    for person in (h.stranger, h.officer):  # its submitter and the agency's officer
        shown = text_of(await h.say(person, f"/status {code}"))
        assert state_line in shown and "/t/" not in shown  # no link to a page that is not public
