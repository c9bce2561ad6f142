"""PTB over our aiohttp request: what the Bot API receives, uploads, timeouts and network failures."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web
from telegram import Bot, InputFile
from telegram.error import NetworkError, TimedOut

from bot.channels.telegram_http import AiohttpRequest
from tests.fakes.local_server import LocalServer

TOKEN = "123456:HTTP-test"


class Recorder(LocalServer):
    """Answers every Bot API method like Telegram and keeps what it received; `delay` slows it down."""

    def __init__(self) -> None:
        self.received: list[tuple[str, str, dict[str, Any]]] = []
        self.delay = 0.0

    def routes(self, app: web.Application) -> None:
        app.router.add_post("/bot{token}/{method}", self._handle)

    async def _handle(self, request: web.Request) -> web.Response:
        await asyncio.sleep(self.delay)
        form = await request.post()
        fields: dict[str, Any] = {}
        for key, value in form.items():
            if isinstance(value, web.FileField):
                fields[key] = (value.filename, value.content_type, value.file.read())
            else:
                fields[key] = value
        self.received.append((request.match_info["method"], request.content_type, fields))
        if request.match_info["method"] == "getMe":
            result: Any = {"id": 123456, "is_bot": True, "first_name": "Bot", "username": "pci_bot"}
        elif request.match_info["method"] == "sendPhoto":
            photo = [{"file_id": "F1", "file_unique_id": "U1", "width": 1, "height": 1}]
            chat = {"id": int(fields["chat_id"]), "type": "private"}
            result = {"message_id": 7, "date": 0, "chat": chat, "photo": photo}
        else:
            result = True
        return web.json_response({"ok": True, "result": result})


@pytest.fixture
async def server() -> AsyncIterator[Recorder]:
    recorder = Recorder()
    await recorder.start()
    yield recorder
    await recorder.stop()


def _bot(url: str, read_timeout: float = 5.0) -> Bot:
    return Bot(TOKEN, base_url=f"{url}/bot", request=AiohttpRequest(read_timeout=read_timeout))


async def test_fields_are_form_encoded_as_telegram_expects(server: Recorder) -> None:
    async with _bot(server.url) as bot:
        assert await bot.answer_callback_query("q-1", text="Đã nhận", show_alert=True) is True
    method, content_type, fields = server.received[-1]
    assert method == "answerCallbackQuery"
    assert content_type == "application/x-www-form-urlencoded"
    assert fields == {"callback_query_id": "q-1", "text": "Đã nhận", "show_alert": "true"}


async def test_a_file_is_uploaded_as_multipart_with_its_name(server: Recorder) -> None:
    chart = b"\x89PNG\r\n\x1a\n bieu do tuan"
    async with _bot(server.url) as bot:
        message = await bot.send_photo(42, InputFile(chart, filename="ban-tin-tuan.png"), caption="Bản tin tuần")
    assert message.photo[-1].file_id == "F1"
    method, content_type, fields = server.received[-1]
    assert (method, content_type) == ("sendPhoto", "multipart/form-data")
    assert fields["caption"] == "Bản tin tuần" and fields["chat_id"] == "42"
    name, _mime, content = fields["photo"]
    assert (name, content) == ("ban-tin-tuan.png", chart)


async def test_a_slow_answer_is_a_timeout(server: Recorder) -> None:
    async with _bot(server.url, read_timeout=0.2) as bot:
        server.delay = 1.0
        with pytest.raises(TimedOut):
            await bot.answer_callback_query("q-slow")


async def test_nobody_listening_is_a_network_error() -> None:
    with socket.socket() as sock:  # a port that was free a moment ago
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    bot = _bot(f"http://127.0.0.1:{port}")
    await bot.request.initialize()
    try:
        with pytest.raises(NetworkError) as caught:
            await bot.answer_callback_query("q-down")
        assert not isinstance(caught.value, TimedOut)
    finally:
        await bot.request.shutdown()


async def test_the_proxy_from_the_environment_is_used(server: Recorder, monkeypatch: pytest.MonkeyPatch) -> None:
    # an office network that reaches Telegram only through a proxy: HTTP(S)_PROXY applies, as with PTB's default
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", server.url)
    async with Bot(TOKEN, base_url="http://api.telegram.invalid/bot", request=AiohttpRequest()) as bot:
        assert await bot.answer_callback_query("q-proxy") is True
    assert server.received[-1][0] == "answerCallbackQuery"
