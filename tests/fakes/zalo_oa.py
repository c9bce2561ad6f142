"""A local fake of Zalo's OA Open API v3 and OAuth v4 that also plays Zalo's webhook sender, on 127.0.0.1.

It behaves like Zalo where the adapter depends on it: every answer is HTTP 200 with an `error` code; the
refresh token is single-use and rotates (an old one is refused); an expired access token gets -220, an unknown
one -216; a user silent for 7 days gets -230 until they write again; faults (-32 …) can be injected.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestServer
from pydantic import SecretStr

from bot.app import App, build, stop
from bot.channels.zalo_oa import ZaloOAChannel
from bot.config import Config
from tests.fakes.local_server import LocalServer


@dataclass
class SentMessage:
    """One consultation message the OA sent."""

    user_id: str
    text: str
    buttons: list[dict[str, Any]]
    message_id: str


@dataclass
class FakeZaloOA(LocalServer):
    """Zalo's servers as the adapter sees them, plus the test-side controls."""

    app_id: str = "2553928453557884079"
    app_secret: str = "app-secret-xyz"
    oa_secret: str = "oa-secret-key-123"
    oa_id: str = "3662729599332560487"
    sent: list[SentMessage] = field(default_factory=list)
    faults: list[int] = field(default_factory=list)  # error codes answered by the next message calls
    fault_on_call: dict[int, int] = field(default_factory=dict)  # message call number → error code
    outside_window: set[str] = field(default_factory=set)  # users the OA may not message (-230)
    refused_refresh_tokens: list[str] = field(default_factory=list)
    refreshes: int = 0
    message_calls: int = 0
    oauth_down: bool = False

    def __post_init__(self) -> None:
        self._counter = itertools.count(1)
        self.refresh_token = self.new_refresh_token()
        self.valid_access: set[str] = set()
        self.expired_access: set[str] = set()

    def new_refresh_token(self) -> str:
        """What an OA admin gets from the API Explorer: the one valid refresh token from now on."""
        self.refresh_token = f"rt-{next(self._counter)}-{self.app_id[-4:]}"
        return self.refresh_token

    def expire_access_tokens(self) -> None:
        """Every access token issued so far expires (Zalo then answers -220)."""
        self.expired_access |= self.valid_access
        self.valid_access = set()

    def routes(self, app: web.Application) -> None:
        app.router.add_post("/v4/oa/access_token", self._oauth)
        app.router.add_post("/v3.0/oa/message/cs", self._message)

    # -- the API ------------------------------------------------------------------------------------------
    async def _oauth(self, request: web.Request) -> web.Response:
        form = await request.post()
        if self.oauth_down:
            return web.json_response({"error": -32, "message": "Your application reached limit call api"})
        if request.headers.get("secret_key") != self.app_secret or form.get("app_id") != self.app_id:
            return web.json_response({"error": -14002, "error_description": "Invalid secret key"})
        given = str(form.get("refresh_token", ""))
        if form.get("grant_type") != "refresh_token" or given != self.refresh_token:
            self.refused_refresh_tokens.append(given)
            return web.json_response(
                {"error": -14014, "error_name": "Invalid parameter", "error_description": "Invalid refresh token"}
            )
        self.refreshes += 1
        access = f"at-{next(self._counter)}"
        self.valid_access.add(access)
        self.new_refresh_token()  # the presented one is dead from now on
        return web.json_response({"access_token": access, "refresh_token": self.refresh_token, "expires_in": "90000"})

    async def _message(self, request: web.Request) -> web.Response:
        self.message_calls += 1
        token = request.headers.get("access_token", "")
        body = await request.json()
        code = self.fault_on_call.pop(self.message_calls, None) or (self.faults.pop(0) if self.faults else None)
        if code is not None:
            return web.json_response({"error": code, "message": f"injected {code}"})
        if token in self.expired_access:
            return web.json_response({"error": -220, "message": "Access token has expired"})
        if token not in self.valid_access:
            return web.json_response({"error": -216, "message": "Access token is invalid"})
        user = str(body["recipient"]["user_id"])
        if user in self.outside_window:
            return web.json_response(
                {"error": -230, "message": "User has not interacted with the OA in the past 7 days"}
            )
        text = str(body["message"].get("text", ""))
        if not text or len(text.encode("utf-16-le")) // 2 > 2000:
            return web.json_response({"error": -201, "message": "text is invalid!"})
        attachment = body["message"].get("attachment") or {}
        buttons = list((attachment.get("payload") or {}).get("buttons", []))
        message_id = f"mid{next(self._counter):06d}"
        self.sent.append(SentMessage(user, text, buttons, message_id))
        return web.json_response(
            {"error": 0, "message": "Success", "data": {"message_id": message_id, "user_id": user}}
        )

    # -- Zalo calling the webhook ---------------------------------------------------------------------------
    def sign(self, raw: bytes, timestamp: str, *, secret: str | None = None, first: str | None = None) -> str:
        """The X-ZEvent-Signature Zalo computes: mac= sha256(app id + body + timestamp + OA secret)."""
        digest = hashlib.sha256(
            (first or self.app_id).encode() + raw + timestamp.encode() + (secret or self.oa_secret).encode()
        )
        return "mac=" + digest.hexdigest()

    def _timestamp(self) -> str:
        return str(1773100000000 + next(self._counter))

    def user_event(self, event: str, user: str, message: dict[str, Any] | None = None) -> dict[str, Any]:
        """A user → OA event as Zalo sends it (ids and timestamp as strings)."""
        body: dict[str, Any] = {
            "event_name": event,
            "app_id": self.app_id,
            "sender": {"id": user},
            "recipient": {"id": self.oa_id},
            "timestamp": self._timestamp(),
            "user_id_by_app": f"9{user}",
        }
        if message is not None:
            body["message"] = message
        return body

    def text(self, user: str, text: str, msg_id: str | None = None) -> dict[str, Any]:
        return self.user_event("user_send_text", user, {"text": text, "msg_id": msg_id or f"m{next(self._counter)}"})

    def press(self, user: str, sent: SentMessage, label: str) -> dict[str, Any]:
        """What a tap on an oa.query.hide button sends: its payload as the user's text."""
        button = next(b for b in sent.buttons if b["title"] == label)
        return self.text(user, str(button["payload"]))

    def follow(self, user: str) -> dict[str, Any]:
        """The follow envelope: follower.id, oa_id, no sender/recipient."""
        return {
            "oa_id": self.oa_id,
            "follower": {"id": user},
            "user_id_by_app": f"9{user}",
            "event_name": "follow",
            "source": "oa_profile",
            "app_id": self.app_id,
            "timestamp": self._timestamp(),
        }

    async def post(
        self, webhook_url: str, body: dict[str, Any], *, signature: str | None = "valid", raw: bytes | None = None
    ) -> int:
        """POST an event to the bot's webhook, as Zalo does; a user event re-opens that user's window."""
        assert self._client is not None
        data = raw if raw is not None else json.dumps(body, ensure_ascii=False).encode()
        headers = {"Content-Type": "application/json"}
        if signature == "valid":
            headers["X-ZEvent-Signature"] = self.sign(data, str(body.get("timestamp", "")))
        elif signature is not None:
            headers["X-ZEvent-Signature"] = signature
        async with self._client.post(webhook_url, data=data, headers=headers) as resp:
            status = resp.status
        party = body.get("sender") or body.get("follower")
        user = party.get("id") if isinstance(party, dict) else None  # malformed bodies are sent too
        if status == 200 and isinstance(user, str) and user:
            self.outside_window.discard(str(user))
        return status


class OAHarness:
    """The application with the Zalo OA channel against FakeZaloOA, driven step by step (no background loops)."""

    def __init__(self, db_url: str, clock: Callable[[], datetime]) -> None:
        self.db_url = db_url
        self.clock = clock
        self.fake = FakeZaloOA()
        self.app: App | None = None
        self.server: TestServer | None = None
        self.hook = ""

    def config(self, refresh_token: str) -> Config:
        return Config(
            database_url=self.db_url,
            console=True,
            public_url="http://test.local",
            zalo_app_id=self.fake.app_id,
            zalo_app_secret=SecretStr(self.fake.app_secret),
            zalo_oa_secret=SecretStr(self.fake.oa_secret),
            zalo_refresh_token=SecretStr(refresh_token),
            zalo_api_url=self.fake.url,
            zalo_oauth_url=self.fake.url,
        )

    async def start(self, refresh_token: str | None = None) -> App:
        if self.fake._server is None:
            await self.fake.start()
        self.app = await build(self.config(refresh_token or self.fake.refresh_token), clock=self.clock, migrate=True)
        assert self.app.console is not None
        self.app.console.out = io.StringIO()
        self.server = TestServer(self.app.webapp, host="127.0.0.1")
        await self.server.start_server()
        self.hook = str(self.server.make_url("/zalo/webhook"))
        return self.app

    async def stop_app(self) -> None:
        if self.server is not None:
            await self.server.close()
            self.server = None
        if self.app is not None:
            await stop(self.app)
            self.app = None

    async def close(self) -> None:
        await self.stop_app()
        await self.fake.stop()

    @property
    def channel(self) -> ZaloOAChannel:
        assert self.app is not None
        channel = self.app.channels["zalo"]
        assert isinstance(channel, ZaloOAChannel)
        return channel

    async def pump(self) -> None:
        """Process stored events and deliver the outbox until both are quiet."""
        assert self.app is not None
        for _ in range(5):
            await self.channel.inbox.drain()
            await self.app.sender.drain()

    async def send(self, body: dict[str, Any], **kw: Any) -> int:
        status = await self.fake.post(self.hook, body, **kw)
        await self.pump()
        return status

    def last_to(self, user: str) -> SentMessage:
        return [m for m in self.fake.sent if m.user_id == user][-1]

    async def say(self, user: str, text: str) -> SentMessage:
        """The user writes; returns the bot's last message to them."""
        assert await self.send(self.fake.text(user, text)) == 200
        return self.last_to(user)

    async def press(self, user: str, label: str) -> SentMessage:
        """The user taps a button of the last message they received."""
        assert await self.send(self.fake.press(user, self.last_to(user), label)) == 200
        return self.last_to(user)

    async def submit(self, user: str, text: str) -> str:
        """The whole intake dialog over Zalo; returns the tracking code."""
        await self.say(user, text)
        await self.press(user, "Phản ánh")
        await self.say(user, "Nguyễn Văn An")
        await self.say(user, "0912 345 678")
        for _ in range(3):  # company, tax code, commune
            await self.press(user, "Bỏ qua")
        await self.press(user, "Không")
        await self.press(user, "Có")
        receipt = await self.press(user, "Gửi")
        code = re.search(r"LS-[0-9A-Z]{6}", receipt.text)
        assert code, receipt.text
        return code.group(0)
