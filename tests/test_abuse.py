"""Abuse controls as a user meets them: the message rate limit, and throttled invite and link code guessing."""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.app import App
from bot.channels.base import Incoming
from bot.config import Config
from bot.core.i18n import t
from bot.core.retention import purge
from storage.models import AbuseEvent, DialogState, Identity, Officer, OutboxMessage, Ticket
from tests.app_support import console_app
from tests.conftest import FakeClock
from tests.console_driver import ConsoleDriver
from tests.test_console import TEXT, button

LIMIT = 5
FIVE_YEARS = 1825


@pytest.fixture
async def limited(db_url: str, clock: FakeClock) -> AsyncIterator[App]:
    async with console_app(db_url, clock, rate_limit_per_minute=LIMIT) as app:
        yield app


def v(key: str, **params: object) -> str:
    return t(key, "vi", **params)


async def metric(app: App, aiohttp_client: Any, name: str) -> str:
    client = await aiohttp_client(app.webapp)
    body = await (await client.get("/metrics")).text()
    return "\n".join(line for line in body.splitlines() if line.startswith(name))


async def _step(app: App) -> str | None:
    async with app.core.maker() as session:
        row = await session.get(DialogState, ("console", "enterprise"))
        return row.step if row is not None else None


async def test_a_business_over_the_rate_limit_is_told_once_and_nothing_changes(
    limited: App, clock: FakeClock, aiohttp_client: Any
) -> None:
    console = ConsoleDriver(limited)
    kinds = await console.type(TEXT)  # 1: the intake dialog asks for the kind
    assert v("ask_kind") in kinds
    for _ in range(LIMIT - 1):  # 2 … 5
        assert "Hướng dẫn sử dụng" in await console.type("/help")
    clock.advance(seconds=20)
    refused = await console.type(button(kinds, "Phản ánh"))  # 6: over the limit
    assert v("rate_limited", limit=LIMIT, seconds=40) in refused and "Quý doanh nghiệp" in refused
    assert await console.type("/new") == ""  # 7: dropped silently
    assert await console.type("Một phản ánh khác về thuế") == ""  # 8
    assert await _step(limited) == "kind"  # the button press did not move the dialog on
    async with limited.core.maker() as session:
        assert (await session.execute(select(func.count()).select_from(Ticket))).scalar_one() == 0
    assert 'pcibot_rate_limited_messages{channel="console"} 3.0' in await metric(
        limited, aiohttp_client, "pcibot_rate_limited_messages"
    )
    clock.advance(seconds=41)  # the window is over: messages are handled again, the dialog where it was
    again = await console.type("Bổ sung: hồ sơ đã nộp hai lần")
    assert "Phản ánh" in again and await _step(limited) == "kind"
    assert v("ask_name").split(".")[0] in await console.type(button(again, "Phản ánh"))
    assert await _step(limited) == "name"


async def test_officers_in_agency_groups_are_not_limited(limited: App) -> None:
    console = ConsoleDriver(limited)
    await console.type("/as officer thue_tinh")
    for _ in range(LIMIT * 2):
        assert v("inbox_empty") in await console.type("/inbox")


async def test_zero_turns_the_limit_off(db_url: str, clock: FakeClock, monkeypatch: pytest.MonkeyPatch) -> None:
    assert Config().rate_limit_per_minute == 20
    monkeypatch.setenv("PCIBOT_RATE_LIMIT_PER_MINUTE", "0")
    assert Config.from_env().rate_limit_per_minute == 0
    async with console_app(db_url, clock, rate_limit_per_minute=0) as app:
        console = ConsoleDriver(app)
        for _ in range(25):
            assert "Hướng dẫn sử dụng" in await console.type("/help")


async def _link_code_of_another_identity(app: App) -> str:
    """A business on another channel asks for a link code (its message goes through the dispatcher)."""
    await app.dispatcher.handle(Incoming(channel="zalo_oa", user_id="z-42", chat_id="z-42", text="/link"))
    async with app.core.maker() as session:
        sent = (
            await session.execute(
                select(OutboxMessage).where(OutboxMessage.chat_id == "z-42").order_by(OutboxMessage.id.desc())
            )
        ).scalars().first()
    assert sent is not None
    found = re.search(r"/link ([A-Z0-9]{8})", sent.payload["text"])
    assert found, sent.payload
    return found.group(1)


async def test_link_code_guessing_is_throttled_even_for_the_right_code(
    app: App, clock: FakeClock, aiohttp_client: Any, caplog: pytest.LogCaptureFixture
) -> None:
    code = await _link_code_of_another_identity(app)
    console = ConsoleDriver(app)
    guesses = [f"ZZZZZZ{n}{n}" for n in range(2, 7)]
    caplog.set_level(logging.INFO)
    for guess in guesses:
        assert v("link_invalid") in await console.type(f"/link {guess}")
        clock.advance(minutes=1)
    refused = await console.type(f"/link {code}")  # the right code, but after 5 wrong ones in 15 minutes
    assert v("code_throttled", minutes=10) in refused and "Đã liên kết" not in refused
    async with app.core.maker() as session:
        persons = (await session.execute(select(Identity.person_id))).scalars().all()
    assert set(persons) == {None}  # nothing linked
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "wrong link code from console user enterprise" in logged and "link code refused" in logged
    assert not [g for g in [*guesses, code] if g in logged]  # the codes themselves are never logged
    lines = await metric(app, aiohttp_client, "pcibot_code_attempts_refused")
    assert 'pcibot_code_attempts_refused{channel="console",reason="wrong"} 5.0' in lines
    assert 'pcibot_code_attempts_refused{channel="console",reason="throttled"} 1.0' in lines
    clock.advance(minutes=10)  # the oldest wrong code leaves the 15-minute window
    assert v("link_ok") in await console.type(f"/link {code}")


async def test_invite_code_guessing_is_throttled(app: App, clock: FakeClock) -> None:
    console = ConsoleDriver(app)
    await console.type("/as admin")
    invite = re.search(r"/join (\S+)", await console.type("/invite thue_tinh"))
    assert invite is not None
    await console.type("/as enterprise")
    assert v("join_invalid") in await console.type("/join")  # no code typed: not a guess
    for _ in range(5):
        assert v("join_invalid") in await console.type("/join 23456789AB")
    assert v("join_throttled", minutes=15) in await console.type(f"/join {invite.group(1)}")
    async with app.core.maker() as session:
        assert (await session.execute(select(Officer).where(Officer.user_id == "enterprise"))).first() is None
    clock.advance(minutes=15)
    assert "Thuế tỉnh" in await console.type(f"/join {invite.group(1)}")
    async with app.core.maker() as session:
        officer = (await session.execute(select(Officer).where(Officer.user_id == "enterprise"))).scalar_one()
    assert officer.agency_id == "thue_tinh"


async def test_purge_takes_the_senders_out_of_old_abuse_rows(app: App, clock: FakeClock, aiohttp_client: Any) -> None:
    console = ConsoleDriver(app)
    await console.type("/link 2345678A")
    clock.advance(days=FIVE_YEARS + 1)
    await purge(app.core, FIVE_YEARS)
    async with app.core.maker() as session:
        [row] = (await session.execute(select(AbuseEvent))).scalars().all()
    assert (row.user_id, row.chat_id, row.kind) == ("purged", "purged", "code_wrong")
    lines = await metric(app, aiohttp_client, "pcibot_code_attempts_refused")
    assert 'pcibot_code_attempts_refused{channel="console",reason="wrong"} 1.0' in lines
