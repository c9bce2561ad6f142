"""A local fake of the Zalo Bot Platform API (`/bot<token>/<method>`), which also calls the bot's webhook."""

from __future__ import annotations

import asyncio
import itertools
import json
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.fakes.local_server import LocalServer


@dataclass
class FakeZaloBot(LocalServer):
    """getUpdates hands out ONE queued update per call (error_code 408 when none came within the timeout)."""

    token: str = "1234567890:zbot-secret-token"
    max_poll_seconds: float = 0.5
    sent: list[dict[str, Any]] = field(default_factory=list)
    calls: list[str] = field(default_factory=list)
    webhook: dict[str, Any] | None = None
    refuse_webhook: int = 0  # answer that many setWebhook calls with an error (the platform having a bad day)

    def __post_init__(self) -> None:
        self.updates: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._counter = itertools.count(1)

    def routes(self, app: web.Application) -> None:
        app.router.add_route("*", "/bot{token}/{method}", self._api)

    async def _api(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response({"ok": False, "error_code": 401, "description": "Unauthorized"})
        method = request.match_info["method"]
        self.calls.append(method)
        params: dict[str, Any] = dict(request.query)
        if request.can_read_body:
            params.update(await request.json())
        if method == "getUpdates":
            if self.webhook is not None:
                return web.json_response({"ok": False, "error_code": 400, "description": "webhook is set"})
            wait = min(float(params.get("timeout", "30")), self.max_poll_seconds)
            try:
                update = await asyncio.wait_for(self.updates.get(), timeout=wait)
            except TimeoutError:
                return web.json_response({"ok": False, "error_code": 408, "description": "Request timeout"})
            return web.json_response({"ok": True, "result": update})
        if method == "sendMessage":
            text = str(params.get("text", ""))
            if not 1 <= len(text) <= 2000:
                return web.json_response({"ok": False, "error_code": 400, "description": "text must be 1-2000"})
            message_id = f"{next(self._counter):020x}"
            self.sent.append({"chat_id": str(params["chat_id"]), "text": text, "message_id": message_id})
            return web.json_response({"ok": True, "result": {"message_id": message_id, "date": 1750316131602}})
        if method == "setWebhook" and self.refuse_webhook > 0:
            self.refuse_webhook -= 1
            return web.json_response({"ok": False, "error_code": 500, "description": "Internal error"})
        if method == "setWebhook":
            self.webhook = {"url": params["url"], "secret_token": params["secret_token"]}
            return web.json_response({"ok": True, "result": {"url": params["url"], "updated_at": 1750316131602}})
        if method == "deleteWebhook":
            self.webhook = None
            return web.json_response({"ok": True, "result": {"url": "", "updated_at": 1750316131602}})
        return web.json_response({"ok": False, "error_code": 404, "description": "Not found"})

    def text_update(self, chat: str, text: str, name: str = "Ted") -> dict[str, Any]:
        """A message.text.received update from a private chat."""
        return {
            "event_name": "message.text.received",
            "message": {
                "from": {"id": chat, "display_name": name, "is_bot": False},
                "chat": {"id": chat, "chat_type": "PRIVATE"},
                "text": text,
                "message_id": f"{next(self._counter):020x}",
                "date": 1750316131602,
            },
        }

    async def call_webhook(self, update: dict[str, Any], *, secret: str | None, wrapped: bool = True) -> int:
        """POST an update to the registered webhook with the given secret header (None: no header)."""
        assert self._client is not None and self.webhook is not None
        body = {"ok": True, "result": update} if wrapped else update
        headers = {"Content-Type": "application/json"}
        if secret is not None:
            headers["X-Bot-Api-Secret-Token"] = secret
        async with self._client.post(self.webhook["url"], data=json.dumps(body), headers=headers) as resp:
            return resp.status
