"""Zalo Bot Platform end to end: webhook secret (wrapped and bare bodies) and the long-polling loop, live loops."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from pydantic import SecretStr

from bot.app import App, build, start, stop
from bot.config import Config
from tests.fakes.zalo_bot import FakeZaloBot

pytestmark = pytest.mark.e2e

CHAT = "6ede9afa66b88fe6d6a9"
SECRET = "zbot-webhook-secret-8chars"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
async def fake() -> AsyncIterator[FakeZaloBot]:
    bot = FakeZaloBot()
    await bot.start()
    yield bot
    await bot.stop()


async def running(db_url: str, fake: FakeZaloBot, secret: str | None, retry_after: float | None = None) -> App:
    port = free_port()
    config = Config(
        database_url=db_url,
        console=False,
        web_host="127.0.0.1",
        web_port=port,
        public_url=f"http://127.0.0.1:{port}",
        zalobot_token=SecretStr(fake.token),
        zalobot_api_url=fake.url,
        zalobot_webhook_secret=SecretStr(secret) if secret else None,
    )
    app = await build(config, migrate=True)
    if retry_after is not None:
        app.starter.delay = lambda attempt: retry_after
    await start(app)
    return app


async def eventually(check: Callable[[], Any], timeout: float = 10) -> Any:
    for _ in range(int(timeout / 0.05)):
        value = check()
        if value:
            return value
        await asyncio.sleep(0.05)
    raise AssertionError("condition never met")


def sent_containing(fake: FakeZaloBot, words: str) -> Callable[[], list[dict[str, Any]]]:
    return lambda: [m for m in fake.sent if words in m["text"]]


async def test_webhook_secret_wrapped_and_bare_bodies(db_url: str, fake: FakeZaloBot) -> None:
    app = await running(db_url, fake, SECRET)
    try:
        assert fake.webhook is not None and fake.webhook["secret_token"] == SECRET
        assert fake.webhook["url"].endswith("/zalobot/webhook")
        hello = fake.text_update(CHAT, "xin chào")
        assert await fake.call_webhook(hello, secret=None) == 401
        assert await fake.call_webhook(hello, secret="wrong-secret-value") == 401
        await asyncio.sleep(0.3)
        assert fake.sent == []
        assert await fake.call_webhook(hello, secret=SECRET) == 200
        greeting = (await eventually(sent_containing(fake, "Kính chào Quý doanh nghiệp")))[0]
        assert greeting["chat_id"] == CHAT and "[1] Gửi phản ánh, kiến nghị" in greeting["text"]
        assert await fake.call_webhook(hello, secret=SECRET) == 200  # a duplicate: ignored
        # bare body; "1" presses the first numbered choice
        assert await fake.call_webhook(fake.text_update(CHAT, "1"), secret=SECRET, wrapped=False) == 200
        await eventually(sent_containing(fake, "mô tả nội dung phản ánh"))
        assert len(sent_containing(fake, "Kính chào")()) == 1
    finally:
        await stop(app)


async def test_long_polling_loop(db_url: str, fake: FakeZaloBot) -> None:
    app = await running(db_url, fake, None)
    try:
        await eventually(lambda: fake.calls.count("getUpdates") >= 2)  # 408s: nothing yet, keep polling
        assert "deleteWebhook" in fake.calls
        fake.updates.put_nowait(fake.text_update(CHAT, "/lang"))
        choice = (await eventually(sent_containing(fake, "Xin chọn ngôn ngữ")))[0]
        assert "[2] English" in choice["text"]
        fake.updates.put_nowait(fake.text_update(CHAT, "2"))
        await eventually(sent_containing(fake, "will now use English"))
        sticker = fake.text_update(CHAT, "")
        sticker["event_name"] = "message.sticker.received"
        fake.updates.put_nowait(sticker)
        await eventually(sent_containing(fake, "text messages, images and files only"))
    finally:
        await stop(app)


async def test_a_refused_set_webhook_is_retried_and_the_channel_serves_once_registered(
    db_url: str, fake: FakeZaloBot
) -> None:
    fake.refuse_webhook = 2
    app = await running(db_url, fake, SECRET, retry_after=0.2)
    try:
        assert fake.webhook is None
        assert app.starter.state["zalobot"].startswith("starting (attempt 1 failed: ZaloBotError")
        # the fake registers the webhook before the bot has read its answer: wait for the channel to say so
        await eventually(lambda: fake.webhook is not None and app.starter.state == {"zalobot": "ok"})
        assert fake.calls.count("setWebhook") == 3
        assert await fake.call_webhook(fake.text_update(CHAT, "xin chào"), secret=SECRET) == 200
        await eventually(sent_containing(fake, "Kính chào Quý doanh nghiệp"))
    finally:
        await stop(app)
