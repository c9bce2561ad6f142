"""Officer screens over real python-telegram-bot and the fake Bot API: stale card buttons, command menus per scope."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.core import lifecycle
from bot.core.authz import Actor
from bot.core.lifecycle import Draft
from storage.models import Agency, Officer
from tests.fakes.running import started
from tests.fakes.telegram_api import buttons_of, text_of
from tests.fakes.telegram_harness import G_STC, G_THUE, G_WG, TAX_TEXT, Harness

pytestmark = pytest.mark.e2e


@pytest.fixture
async def h(db_url: str) -> AsyncIterator[Harness]:
    async with started(Harness(db_url, "polling")) as harness:
        yield harness


# What each menu offers, written out independently of the command table (bot/core/commands.py).
BUSINESS_MENU = ["start", "new", "status", "cancel", "lang", "link", "help"]
OFFICER_MENU = [
    "cancel", "inbox", "show", "take", "reply", "ask", "resolve", "transfer", "extend", "reject", "note", "clusters",
    "join", "help",
]
COORDINATOR_MENU = [
    *OFFICER_MENU[:-2], "assign", "hide", "unhide", "overdue", "stats", "digest", "invite", "agencies", "officers",
    "bindagency", "bindworkinggroup", "help",
]
ADMIN_MENU = [
    "inbox", "show", "clusters", "assign", "overdue", "stats", "digest", "invite", "agencies", "officers", "help",
]
SETUP_MENU = ["bindagency", "bindworkinggroup", "join", "help"]


def listed(help_message: dict[str, Any]) -> list[str]:
    """The commands a /help answer lists, in order."""
    return re.findall(r"^• /([a-z]+)", text_of(help_message), re.MULTILINE)


async def add_officer(h: Harness, user: dict[str, Any], role: str, agency_id: str) -> None:
    """An officer record as /join would leave it."""
    assert h.app is not None
    async with h.app.core.maker() as session, session.begin():
        session.add(
            Officer(
                channel="telegram",
                user_id=str(user["id"]),
                display_name=user["first_name"],
                role=role,
                agency_id=agency_id,
                active=True,
                created_at=h.app.core.now(),
            )
        )


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
        draft = Draft(text=TAX_TEXT, source="api", topic_id="thue_thanh_quyet_toan")
        ticket = await lifecycle.submit(session, core, draft, Actor(role="system", ref="test"))
    await add_officer(h, h.officer, "officer", "thue_tinh")
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


async def test_each_chat_menu_is_its_role_s_commands_and_help_lists_the_same(h: Harness) -> None:
    fake = h.fake

    def menu(scope: str) -> list[str]:
        return [c["command"] for c in fake.commands[scope]]

    assert menu("all_private_chats") == menu("all_private_chats:en") == menu("all_private_chats:zh") == BUSINESS_MENU
    assert fake.commands["all_private_chats:en"][1]["description"] == "Submit a feedback or recommendation"
    assert menu("all_group_chats") == SETUP_MENU
    assert menu(f"chat:{h.admin['id']}") == ADMIN_MENU  # PCIBOT_ADMINS' private chats
    # binding a group gives it its role's menu: officers in an agency's group, the coordinator in its own and the WG
    await h.say(h.admin, "/bindagency thue_tinh", h.thue)
    await h.say(h.admin, "/bindagency so_tai_chinh", h.stc)
    await h.say(h.admin, "/bindworkinggroup", h.wg)
    assert menu(f"chat:{G_THUE}") == OFFICER_MENU
    assert menu(f"chat:{G_STC}") == menu(f"chat:{G_WG}") == COORDINATOR_MENU

    # /help answers each person with the commands of their menu
    coordinator = fake.user(5, "Mai", last_name="Điều Phối")
    await add_officer(h, h.officer, "officer", "thue_tinh")
    await add_officer(h, coordinator, "coordinator", "so_tai_chinh")
    business = fake.user(10, "An")
    assert listed(await h.say(business, "/help")) == BUSINESS_MENU
    assert listed(await h.say(h.admin, "/help")) == ADMIN_MENU
    assert listed(await h.say(h.officer, "/help", h.thue)) == OFFICER_MENU
    assert listed(await h.say(coordinator, "/help", h.stc)) == COORDINATOR_MENU
    guest = await h.say(h.stranger, "/help", h.thue)
    assert listed(guest) == ["join", "help"] and "mã mời" in text_of(guest)
    assert "/new" not in text_of(await h.say(h.officer, "/help", h.thue))  # not the business help in a group

    # a restart sets every bound chat's menu again (a new version may have changed the table)
    fake.commands.clear()
    await h.restart()
    assert menu(f"chat:{G_THUE}") == OFFICER_MENU and menu(f"chat:{G_WG}") == COORDINATOR_MENU
