"""Zalo OA and Zalo Bot webhooks: malformed events from the platform are answered 200, counted, never stored."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from sqlalchemy import func, select

from bot.app import stop
from storage.models import DialogState, InboundEvent, OutboxMessage
from tests.app_support import refused_updates
from tests.conftest import FakeClock
from tests.fakes.running import started
from tests.fakes.zalo_bot import FakeZaloBot
from tests.fakes.zalo_oa import OAHarness
from tests.test_zalo_bot import SECRET, running

pytestmark = pytest.mark.e2e
USER = "6142494823123456789"


@pytest.fixture
async def z(db_url: str, clock: FakeClock) -> AsyncIterator[OAHarness]:
    async with started(OAHarness(db_url, clock)) as harness:
        yield harness


@pytest.fixture
async def fake() -> AsyncIterator[FakeZaloBot]:
    bot = FakeZaloBot()
    await bot.start()
    yield bot
    await bot.stop()


async def stored(maker: Any) -> tuple[int, int, int]:
    """Inbox rows, outbox rows and dialogs."""
    async with maker() as session:
        counts = [
            await session.scalar(select(func.count()).select_from(model))
            for model in (InboundEvent, OutboxMessage, DialogState)
        ]
    return counts[0] or 0, counts[1] or 0, counts[2] or 0


def oa_poison(z: OAHarness) -> list[dict[str, Any]]:
    fake = z.fake
    text = fake.text(USER, "Xin chào")
    return [
        {**text, "sender": USER},  # an id where an object belongs
        {**text, "sender": [USER]},
        {**text, "sender": {"id": {"nested": 1}}},
        {**text, "message": "Xin chào"},
        {**text, "message": {"text": ["Xin chào"], "msg_id": "m-a"}},
        {**text, "message": {"text": True, "msg_id": "m-b"}},
        {k: v for k, v in text.items() if k != "sender"},  # a user event from nobody
        {k: v for k, v in text.items() if k != "event_name"},
        fake.user_event("user_send_image", USER, {"msg_id": "m-c", "attachments": "https://x.zdn.vn/a.jpg"}),
        fake.user_event("user_send_image", USER, {"msg_id": "m-d", "attachments": ["https://x.zdn.vn/a.jpg"]}),
        fake.user_event("user_send_file", USER, {"msg_id": "m-e", "attachments": [{"payload": "u"}]}),
        {**fake.user_event("user_submit_info", USER, {"msg_id": "m-f"}), "info": "0912345678"},
        {**fake.follow(USER), "follower": USER},
    ]


async def test_oa_malformed_events_answered_200_counted_not_stored(z: OAHarness) -> None:
    assert z.app is not None
    base = str(z.server.make_url("")).rstrip("/") if z.server else ""
    before, counted = await stored(z.app.core.maker), await refused_updates(base, "zalo")
    poison = oa_poison(z)
    for body in poison:
        assert await z.send(body) == 200, body
    assert await stored(z.app.core.maker) == before
    assert await refused_updates(base, "zalo") == counted + len(poison)
    assert z.fake.sent == []


async def test_oa_unsigned_garbage_is_refused_without_a_server_error(z: OAHarness) -> None:
    body = {**z.fake.text(USER, "x"), "recipient": "not-an-object"}
    assert await z.send(body, signature="mac=" + "0" * 64) == 401
    assert await z.send(body, raw=b"[1]", signature="mac=00") == 400
    assert await z.send(body, raw=b"{", signature="mac=00") == 400


async def test_oa_lone_surrogates_are_replaced_and_the_event_handled(z: OAHarness) -> None:
    assert z.app is not None
    body = z.fake.text(USER, "Xin chào \ud800")
    raw = json.dumps(body).encode()  # ASCII escapes: "\\ud800" reaches the bot as a lone surrogate
    assert await z.send(body, raw=raw, signature=z.fake.sign(raw, str(body["timestamp"]))) == 200
    async with z.app.core.maker() as session:
        event = (await session.execute(select(InboundEvent))).scalar_one()
    assert event.payload["message"]["text"] == "Xin chào \ufffd" and event.state == "done"
    assert z.fake.sent  # answered


async def test_zalobot_malformed_updates_answered_200_counted_not_stored(db_url: str, fake: FakeZaloBot) -> None:
    app = await running(db_url, fake, SECRET)
    base = f"http://127.0.0.1:{app.config.web_port}"
    good = fake.text_update("6ede9afa66b88fe6d6a9", "xin chào")
    message = good["message"]
    poison: list[Any] = [
        {**good, "message": {**message, "chat": "6ede9afa66b88fe6d6a9"}},
        {**good, "message": {**message, "chat": {"id": 1.5}}},
        {**good, "message": {**message, "chat": {"id": True}}},
        {**good, "message": {**message, "chat": {}}},
        {**good, "message": {**message, "chat": {"id": ""}}},
        {**good, "message": {**message, "from": ["Ted"]}},
        {**good, "message": {**message, "text": 12}},
        {**good, "message": {**message, "photo": {"url": "x"}}},
        {**good, "message": "xin chào"},
    ]
    try:
        before, counted = await stored(app.core.maker), await refused_updates(base, "zalobot")
        for update in poison:
            assert await fake.call_webhook(update, secret=SECRET) == 200, update
        headers = {"X-Bot-Api-Secret-Token": SECRET}
        async with aiohttp.ClientSession() as http:
            for raw in (b"{", b"[1]", b"\xff"):
                async with http.post(f"{base}/zalobot/webhook", data=raw, headers=headers) as resp:
                    assert resp.status == 200
        assert await stored(app.core.maker) == before
        assert await refused_updates(base, "zalobot") == counted + len(poison) + 3
    finally:
        await stop(app)
