"""Telegram webhook boundary: poison updates answered 200 and counted, surrogates replaced, copies processed once."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from sqlalchemy import func, select

from bot.app import build, start, stop
from storage.models import DialogState, OutboxMessage, ProcessedEvent
from tests.app_support import refused_updates
from tests.fakes.running import started
from tests.fakes.telegram_harness import SECRET, Harness, free_port

pytestmark = pytest.mark.e2e
HEADERS = {"X-Telegram-Bot-Api-Secret-Token": SECRET, "Content-Type": "application/json"}


def message(chat_id: Any = 5, text: str = "/start", first_name: str = "X", **fields: Any) -> dict[str, Any]:
    """A private message as Telegram sends it."""
    user = {"id": chat_id, "is_bot": False, "first_name": first_name}
    return {
        "message_id": 1,
        "date": 1700000000,
        "chat": {"id": chat_id, "type": "private"},
        "from": user,
        "text": text,
        **fields,
    }


def without(data: dict[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k != key}


POISON: dict[str, bytes] = {
    "string update_id": json.dumps({"update_id": "abc", "message": message()}).encode(),
    "float update_id": json.dumps({"update_id": 1.5, "message": message()}).encode(),
    "negative update_id": json.dumps({"update_id": -1, "message": message()}).encode(),
    "message without chat": json.dumps({"update_id": 11, "message": without(message(), "chat")}).encode(),
    "float chat id": json.dumps({"update_id": 12, "message": message(chat_id=7.5)}).encode(),
    "huge chat id": json.dumps({"update_id": 13, "message": message(chat_id=10**30)}).encode(),
    "string message": json.dumps({"update_id": 14, "message": "hello"}).encode(),
    "date out of range": json.dumps({"update_id": 15, "message": {**message(), "date": 10**18}}).encode(),
    "button without sender": json.dumps(
        {"update_id": 16, "callback_query": {"id": "1", "chat_instance": "c"}}
    ).encode(),
    "not an object": b"[1, 2]",
    "not JSON": b"{{",
    "not UTF-8": b'{"update_id": 17, "message": {"text": "\xff"}}',
}


@pytest.fixture
async def h(db_url: str) -> AsyncIterator[Harness]:
    async with started(Harness(db_url, "webhook")) as harness:
        yield harness


def hook_url(h: Harness, port: int | None = None) -> str:
    return f"http://127.0.0.1:{port or h.port}/telegram/hook"


async def post(http: aiohttp.ClientSession, url: str, body: str | bytes) -> int:
    async with http.post(url, data=body, headers=HEADERS) as resp:
        return resp.status


async def table_counts(h: Harness) -> tuple[int, int, int]:
    assert h.app is not None
    async with h.app.core.maker() as session:
        counts = [
            await session.scalar(select(func.count()).select_from(model))
            for model in (ProcessedEvent, OutboxMessage, DialogState)
        ]
    return counts[0] or 0, counts[1] or 0, counts[2] or 0


async def test_poison_updates_are_answered_200_counted_and_change_nothing(h: Harness) -> None:
    base = f"http://127.0.0.1:{h.port}"
    async with aiohttp.ClientSession() as http:
        before, counted = await table_counts(h), await refused_updates(base, "telegram")
        for name, body in POISON.items():
            assert await post(http, hook_url(h), body) == 200, name
        assert await table_counts(h) == before
        assert await refused_updates(base, "telegram") == counted + len(POISON)
        # the bot still works after them
        assert await post(http, hook_url(h), json.dumps({"update_id": 20, "message": message(chat_id=8)})) == 200
    await h.fake.next_to(8, after=0)


async def test_lone_surrogates_are_replaced_before_anything_is_stored_or_sent(h: Harness) -> None:
    fake = h.fake
    async with aiohttp.ClientSession() as http:
        hello = {"update_id": 30, "message": message(chat_id=9, first_name="An\udc00")}
        assert await post(http, hook_url(h), json.dumps(hello)) == 200
        await fake.next_to(9, after=0)
        mark = fake.mark
        text = "Hoàn thuế giá trị gia tăng bị chậm \ud800 cơ quan thuế yêu cầu bổ sung hồ sơ nhiều lần"
        update = {"update_id": 31, "message": {**message(chat_id=9, text=text), "message_id": 2}}
        assert await post(http, hook_url(h), json.dumps(update)) == 200
    await fake.next_to(9, after=mark)
    assert h.app is not None
    async with h.app.core.maker() as session:
        dialog = await session.get(DialogState, ("telegram", "9"))
    assert dialog is not None
    stored = json.dumps(dialog.data, ensure_ascii=False)
    assert "\ufffd" in stored and "\ud800" not in stored


async def test_copies_of_one_update_posted_together_all_get_200_and_one_answer(h: Harness) -> None:
    body = json.dumps({"update_id": 40, "message": message(chat_id=10)})
    began = time.monotonic()
    async with aiohttp.ClientSession() as http:
        statuses = await asyncio.gather(*(post(http, hook_url(h), body) for _ in range(5)))
    assert statuses == [200] * 5
    assert time.monotonic() - began < 10
    await h.delivered()
    await h.fake.settle()
    assert len(h.fake.to_chat(10)) == 1


async def test_copies_sent_to_two_replicas_are_processed_once(h: Harness) -> None:
    """Two processes on one database (webhook mode behind a balancer): copies at both at once, one answer."""
    port = free_port()
    other = await build(h.config().model_copy(update={"web_port": port}), migrate=False)
    await start(other, serve_web=True)
    try:
        body = json.dumps({"update_id": 50, "message": message(chat_id=11)})
        async with aiohttp.ClientSession() as http:
            statuses = await asyncio.gather(*(post(http, hook_url(h, (h.port, port)[i % 2]), body) for i in range(6)))
        assert statuses == [200] * 6
        await h.delivered()
        await h.fake.settle()
        assert len(h.fake.to_chat(11)) == 1
    finally:
        await stop(other)


async def test_a_forged_lang_button_without_a_value_is_answered(h: Harness) -> None:
    """Found by the fuzzer: `lang` with no `:value` raised IndexError (500, redelivered for ever)."""
    query = {
        "id": "q1",
        "from": message(chat_id=12)["from"],
        "chat_instance": "c",
        "data": "lang",
        "message": {**message(chat_id=12), "from": {"id": 999, "is_bot": True, "first_name": "bot"}},
    }
    async with aiohttp.ClientSession() as http:
        assert await post(http, hook_url(h), json.dumps({"update_id": 60, "callback_query": query})) == 200
    await h.fake.next_to(12, after=0)


async def test_polled_updates_pass_the_same_boundary(db_url: str) -> None:
    """Polling: a lone surrogate in a name is replaced and answered; a poison update is confirmed, not refetched."""
    h = Harness(db_url, "polling")
    await h.start()
    try:
        user = h.fake.user(13, "An\udc00")
        h.fake.text(user, "/start")
        await h.fake.next_to(13, after=0)
        poison = {"update_id": 10**6, "message": without(message(chat_id=13), "chat")}
        h.fake.inject(poison)
        for _ in range(100):
            if not h.fake.unconfirmed:
                break
            await asyncio.sleep(0.05)
        assert h.fake.unconfirmed == []
    finally:
        await h.close()
