"""Zalo Bot Platform channel (Telegram-like API): webhook with a secret or long polling; numbered choices."""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import unicodedata
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import aiohttp
from aiohttp import web

from bot.channels.base import Attachment, Delivery, Incoming, Outgoing, SendResult
from bot.channels.boundary import Refused, clean, load_object, record
from bot.channels.choices import flatten, pick, recall, remember
from bot.channels.client import LazyClient, cancel
from bot.channels.inbox import Inbox
from bot.channels.zalo_events import parse_bot_update
from bot.channels.zalo_text import ask_for_text, numbered_text, send_parts, split
from bot.core.outbox import release_for_sender
from bot.core.services import Core

if TYPE_CHECKING:
    from bot.app import App

log = logging.getLogger(__name__)

NAME = "zalobot"
WEBHOOK_PATH = "/zalobot/webhook"
SECRET_HEADER = "X-Bot-Api-Secret-Token"
MAX_BODY = 1024 * 1024
NO_UPDATE = 408  # getUpdates' "nothing arrived during the long poll"
RATE_RETRY_SECONDS = 30.0


def unwrap(body: dict[str, Any]) -> dict[str, Any]:
    """The update itself, whether Zalo sent `{"ok":true,"result":{…}}` or the bare `{event_name, message}`."""
    result = body.get("result")
    return result if isinstance(result, dict) and "event_name" not in body else body


def update_key(update: dict[str, Any]) -> tuple[str, str] | None:
    """(event id for de-duplication, chat) of a message update; None for anything else."""
    message = update.get("message")
    if not isinstance(message, dict):
        return None
    chat = str((message.get("chat") or {}).get("id") or "")
    if not chat:
        return None
    message_id = str(message.get("message_id") or "")
    name = str(update.get("event_name", ""))
    return (message_id or f"{name}:{chat}:{message.get('date', '')}"), chat


class ZaloBotError(RuntimeError):
    """The Zalo Bot Platform refused a call the channel cannot work without."""


class ZaloBotChannel:
    """Zalo Bot: updates → inbox → dispatcher; `deliver` calls sendMessage."""

    name = NAME

    def __init__(
        self,
        core: Core,
        handle: Callable[[Incoming], Awaitable[bool]],
        wake: Callable[[], None],
        *,
        token: str,
        api_url: str,
        webhook_secret: str | None,
        public_url: str,
        poll_timeout: int = 30,
    ) -> None:
        self.core = core
        self.handle = handle
        self.wake = wake
        self.base = f"{api_url}/bot{token}"  # holds the token: never logged
        self.webhook_secret = webhook_secret
        self.public_url = public_url
        self.poll_timeout = poll_timeout
        self.inbox = Inbox(core.maker, NAME, self.process)
        self.http = LazyClient()  # the HTTP client
        self._poller: asyncio.Task[None] | None = None

    async def call(self, method: str, params: dict[str, Any], timeout: float = 20) -> tuple[int, dict[str, Any]]:
        """POST one Bot API method with a JSON body; (HTTP status, decoded answer)."""
        async with self.http().post(
            f"{self.base}/{method}", json=params, timeout=aiohttp.ClientTimeout(total=timeout)
        ) as resp:
            text = await resp.text()
        try:
            data = json.loads(text)
        except ValueError:
            data = {"ok": False, "error_code": resp.status, "description": "not JSON"}
        return resp.status, data if isinstance(data, dict) else {"ok": False}

    async def start(self) -> None:
        """Webhook mode when a secret is configured (registers the URL), long polling otherwise.

        A refused or failed setWebhook raises, so that the channel's start-up is retried
        (bot/channels/startup.py); stored updates are processed meanwhile.
        """
        self.inbox.start()
        if not self.webhook_secret:
            self._poller = asyncio.create_task(self.poll(), name="zalobot-poll")
            return
        url = f"{self.public_url}{WEBHOOK_PATH}"
        _, data = await self.call("setWebhook", {"url": url, "secret_token": self.webhook_secret})
        if not data.get("ok"):
            raise ZaloBotError(f"setWebhook({url}) refused: {data.get('description')}")

    async def stop(self) -> None:
        """Stop polling and processing; close the HTTP client."""
        await cancel(self._poller)
        self._poller = None
        await self.inbox.stop()
        await self.http.close()

    # -- inbound ------------------------------------------------------------------------------------------
    async def poll(self) -> None:
        """Long-poll getUpdates (one update per call; 408 = none) and store each update before the next."""
        delay = 1.0
        try:
            await self.call("deleteWebhook", {})  # polling and a webhook are mutually exclusive
        except (aiohttp.ClientError, TimeoutError) as exc:
            log.warning("Zalo Bot deleteWebhook failed (%s)", type(exc).__name__)
        while True:
            try:
                status, data = await self.call(
                    "getUpdates", {"timeout": str(self.poll_timeout)}, timeout=self.poll_timeout + 15
                )
            except (aiohttp.ClientError, TimeoutError) as exc:
                log.warning("Zalo Bot getUpdates failed (%s); retrying in %.0f s", type(exc).__name__, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 60.0)
                continue
            if data.get("ok") and isinstance(data.get("result"), dict):
                await self.accept(data["result"])
                delay = 1.0
            elif status == NO_UPDATE or data.get("error_code") == NO_UPDATE:
                delay = 1.0
            else:
                log.warning("Zalo Bot getUpdates error %s: %s", data.get("error_code", status), data.get("description"))
                await asyncio.sleep(delay)
                delay = min(delay * 2, 60.0)

    async def accept(self, update: dict[str, Any]) -> bool:
        """Store one update for processing; False when it is not a message or was seen before."""
        try:
            checked = parse_bot_update(clean(update))
        except Refused as refused:  # answered as received all the same: redelivering it would not mend it
            record(NAME, refused)
            return False
        key = update_key(checked) if checked is not None else None
        if checked is None or key is None:
            return False
        return await self.inbox.store(key[0], key[1], checked)

    async def webhook(self, request: web.Request) -> web.Response:
        """POST /zalobot/webhook: check the secret token in constant time, store, answer 200."""
        given = request.headers.get(SECRET_HEADER, "").encode()
        assert self.webhook_secret is not None
        if not hmac.compare_digest(given, self.webhook_secret.encode()):
            log.warning("Zalo Bot webhook with a missing or wrong secret refused")
            return web.Response(status=401)
        try:
            body = load_object(await request.read(), MAX_BODY)
        except Refused as refused:
            record(NAME, refused)
        else:
            await self.accept(unwrap(body))
        return web.json_response({"ok": True})

    async def process(self, update: dict[str, Any]) -> None:
        """Handle one stored update."""
        message = update.get("message") or {}
        key = update_key(update)
        assert key is not None
        chat = key[1]
        sender = message.get("from") or {}
        user = str(sender.get("id") or chat)
        is_group = str((message.get("chat") or {}).get("chat_type", "PRIVATE")).upper() != "PRIVATE"
        async with self.core.maker() as session, session.begin():
            released = await release_for_sender(session, NAME, user, self.core.now())
        name = str(update.get("event_name", ""))
        text = unicodedata.normalize("NFC", str(message.get("text") or message.get("caption") or "")).strip()
        files: tuple[Attachment, ...] = ()
        if name == "message.image.received" and message.get("photo"):
            files = (Attachment("url", str(message["photo"]), "ảnh"),)
        elif name != "message.text.received":
            if await ask_for_text(self.core, NAME, chat, user, key[0]):
                self.wake()
            return
        async with self.core.maker() as session:
            button = pick(text, await recall(session, NAME, chat)) if not files else None
        await self.handle(
            Incoming(
                channel=NAME,
                user_id=user,
                chat_id=chat,
                text="" if button else text,
                button=button,
                is_group=is_group,
                attachments=files,
                event_id=key[0],
                display_name=str(sender.get("display_name") or sender.get("first_name") or ""),
            )
        )
        if released:
            self.wake()

    # -- outbound -----------------------------------------------------------------------------------------
    async def deliver(self, target: Delivery, message: Outgoing) -> SendResult:
        """sendMessage in parts of ≤2,000 characters; buttons become numbered choices answered by digit."""
        parts = split(numbered_text(message))

        async def send(_index: int, part: str) -> SendResult:
            try:
                status, data = await self.call("sendMessage", {"chat_id": target.chat_id, "text": part})
            except (aiohttp.ClientError, TimeoutError) as exc:
                return SendResult(ok=False, error=f"Zalo Bot unreachable ({type(exc).__name__})")
            if not data.get("ok"):
                return _failure(int(data.get("error_code") or status), str(data.get("description", "")))
            return SendResult(ok=True, message_id=str((data.get("result") or {}).get("message_id") or "") or None)

        result = await send_parts(self.core, f"zalobot-parts:{target.outbox_id}", parts, send)
        if result.ok and message.buttons:  # new choices replace the old; a plain notice in between keeps them
            async with self.core.maker() as session, session.begin():
                await remember(session, NAME, target.chat_id, flatten(message.buttons))
        return result


def _failure(code: int, description: str) -> SendResult:
    """What a Bot API error means for the outbox (401 = bad token: keep retrying until an admin fixes it)."""
    error = f"Zalo Bot {code}: {description}"
    if code == 429:
        return SendResult(ok=False, retry_after=RATE_RETRY_SECONDS, error=error)
    if code in {400, 404}:
        return SendResult(ok=False, permanent=True, error=error)
    return SendResult(ok=False, error=error)


def setup(app: App) -> ZaloBotChannel:
    """Create the Zalo Bot channel from the config; mount its webhook when a secret is configured."""
    config = app.config
    assert config.zalobot_token is not None
    secret = config.zalobot_webhook_secret.get_secret_value() if config.zalobot_webhook_secret else None
    channel = ZaloBotChannel(
        app.core,
        app.dispatcher.handle,
        app.sender.wake,
        token=config.zalobot_token.get_secret_value(),
        api_url=config.zalobot_api_url,
        webhook_secret=secret,
        public_url=config.public_url,
    )
    if secret:
        app.webapp.router.add_post(WEBHOOK_PATH, channel.webhook)
    app.add_channel(channel)
    return channel
