"""Outbox rows Telegram can never deliver end as failed at once, visibly, and are not retried after a restart."""

from __future__ import annotations

import re

import aiohttp
import pytest
from sqlalchemy import select

from bot.channels.base import Outgoing
from bot.channels.telegram_send import InvalidChat, telegram_chat_id
from bot.core import notify
from storage.models import OutboxMessage
from tests.fakes.telegram_harness import Harness

pytestmark = pytest.mark.e2e

# defect 3: ids no Telegram chat can have (a console id, a float, a username too short, over 64 bits …)
IMPOSSIBLE = ["abc", "", "12.5", "-0", "0", " 4242", "4242\n", "@ab", "@1channel", "1e9", "9" * 21, "console-user"]
UNKNOWN = "-1009999"  # a well-formed group id the Bot API does not know


@pytest.mark.parametrize("raw", IMPOSSIBLE)
def test_an_impossible_chat_id_is_refused_before_any_call(raw: str) -> None:
    with pytest.raises(InvalidChat):
        telegram_chat_id(raw)


@pytest.mark.parametrize(("raw", "parsed"), [("4242", 4242), ("-1001001", -1001001), ("@pci_langson", "@pci_langson")])
def test_a_possible_chat_id_is_what_the_bot_api_takes(raw: str, parsed: int | str) -> None:
    assert telegram_chat_id(raw) == parsed


async def _rows(harness: Harness) -> dict[str, OutboxMessage]:
    assert harness.app is not None
    async with harness.app.core.maker() as session:
        rows = (await session.execute(select(OutboxMessage).where(OutboxMessage.channel == "telegram"))).scalars()
        return {row.chat_id: row for row in rows}


async def _failed_gauge(harness: Harness) -> float:
    async with aiohttp.ClientSession() as http, http.get(f"http://127.0.0.1:{harness.port}/metrics") as resp:
        text = await resp.text()
    found = re.search(r"^pcibot_outbox_failed (\S+)$", text, re.M)
    assert found is not None, text
    return float(found.group(1))


async def test_undeliverable_rows_end_failed_once_and_the_rest_is_sent(
    db_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    harness = Harness(db_url)
    await harness.fake.start()
    harness.fake.channel(-1002002, "pci_langson", "PCI Lạng Sơn")
    await harness.start()
    try:
        assert harness.app is not None
        async with harness.app.core.maker() as session, session.begin():
            for chat in [*IMPOSSIBLE, UNKNOWN, "@pci_langson", "4242"]:
                notify.enqueue(
                    session,
                    harness.app.core.now(),
                    channel="telegram",
                    chat_id=chat,
                    audience="business",
                    message=Outgoing("Kính gửi Quý doanh nghiệp"),
                )
        harness.app.sender.wake()
        await harness.delivered()
        rows = await _rows(harness)
        for chat in IMPOSSIBLE:
            assert (rows[chat].state, rows[chat].attempts) == ("failed", 1), chat
            assert "not a Telegram chat id" in (rows[chat].last_error or "")
        assert (rows[UNKNOWN].state, rows[UNKNOWN].attempts) == ("failed", 1)
        assert "Chat not found" in (rows[UNKNOWN].last_error or "")
        assert rows["@pci_langson"].state == rows["4242"].state == "sent"
        assert [m["text"] for m in harness.fake.to_chat(-1002002)] == ["Kính gửi Quý doanh nghiệp"]
        assert [m["text"] for m in harness.fake.to_chat(4242)] == ["Kính gửi Quý doanh nghiệp"]
        assert await _failed_gauge(harness) == len(IMPOSSIBLE) + 1
        warned = [r.getMessage() for r in caplog.records if "cannot be delivered" in r.getMessage()]
        assert len(warned) == len(IMPOSSIBLE)
        assert [r.getMessage() for r in caplog.records if r.exc_info] == []  # a one-line warning, no traceback

        calls = len(harness.fake.calls)
        await harness.restart()
        harness.app.sender.wake()
        await harness.delivered()
        sends = [c for c in harness.fake.calls[calls:] if c.method == "sendMessage"]
        assert sends == []
        assert {chat: row.state for chat, row in (await _rows(harness)).items()} == {
            chat: row.state for chat, row in rows.items()
        }
    finally:
        await harness.close()
