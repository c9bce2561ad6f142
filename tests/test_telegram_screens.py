"""Officer screens over real python-telegram-bot and the fake Bot API: stale card buttons, command menus per scope."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.core import lifecycle
from bot.core.authz import Actor
from bot.core.lifecycle import Draft
from storage.models import Agency, Officer
from tests.fakes.running import started
from tests.fakes.telegram_api import buttons_of, text_of
from tests.fakes.telegram_harness import G_THUE, TAX_TEXT, Harness

pytestmark = pytest.mark.e2e


@pytest.fixture
async def h(db_url: str) -> AsyncIterator[Harness]:
    async with started(Harness(db_url, "polling")) as harness:
        yield harness


async def bound_officer_and_ticket(h: Harness) -> str:
    """The thuế group bound and its officer registered as the admin's commands would, and a ticket on its way.

    Written straight into the database: the dialogs that do this are tested elsewhere, and each of their round
    trips through the fake Bot API costs time.
    """
    assert h.app is not None
    core = h.app.core
    async with core.maker() as session, session.begin():
        agency = await session.get(Agency, "thue_tinh")
        assert agency is not None
        agency.group_channel, agency.group_chat_id, agency.group_is_forum = "telegram", str(G_THUE), False
        session.add(
            Officer(
                channel="telegram",
                user_id=str(h.officer["id"]),
                display_name="Hùng",
                role="officer",
                agency_id="thue_tinh",
                active=True,
                created_at=core.now(),
            )
        )
        draft = Draft(text=TAX_TEXT, source="api", topic_id="thue_thanh_quyet_toan")
        ticket = await lifecycle.submit(session, core, draft, Actor(role="system", ref="test"))
    h.app.sender.wake()
    return ticket.code


async def test_a_press_on_the_card_of_an_answered_item_is_answered(h: Harness) -> None:
    fake = h.fake
    code = await bound_officer_and_ticket(h)
    card = await fake.next_to(G_THUE, code, after=0)
    assert f"ask:{code}" in buttons_of(card)
    await h.say(h.officer, f"/resolve {code} Đã hoàn thuế ngày 12/03", h.thue, contains="Đã gửi kết quả")
    assert (await h.ticket(code)).state == "resolved"

    answered = len(fake.answered_callbacks)
    reply = await h.press(h.officer, card, f"ask:{code}", contains=code)  # the old card is still on screen
    assert "đang ở trạng thái «Đã trả lời»: không thể «Hỏi thêm»" in text_of(reply)
    assert not buttons_of(reply) and f"/show {code}" in text_of(reply)
    assert len(fake.answered_callbacks) == answered + 1  # the button's spinner stops too
    assert (await h.ticket(code)).state == "resolved"
