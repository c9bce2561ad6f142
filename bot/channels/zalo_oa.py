"""Zalo Official Account channel: signed webhook into the inbox, consultation (CS) messages out, OAuth tokens."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import unicodedata
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import aiohttp
from aiohttp import web
from sqlalchemy.exc import IntegrityError

from bot.channels.base import Attachment, Button, Contact, Delivery, Incoming, Outgoing, SendResult
from bot.channels.boundary import MISSING, TOO_LARGE, Refused, load_object, record
from bot.channels.choices import flatten, pick, recall, remember
from bot.channels.client import LazyClient, cancel
from bot.channels.inbox import Inbox
from bot.channels.zalo_events import parse_oa_event
from bot.channels.zalo_text import ask_for_text, attachment_lines, numbered_text, send_parts, split
from bot.channels.zalo_tokens import TokenError, ZaloTokens
from bot.core import notify
from bot.core.i18n import t
from bot.core.outbox import release_for_sender
from bot.core.services import Core
from storage import delivery, outbox

if TYPE_CHECKING:
    from bot.app import App

log = logging.getLogger(__name__)

NAME = "zalo"
WEBHOOK_PATH = "/zalo/webhook"
SIGNATURE_HEADER = "X-ZEvent-Signature"
MAX_BODY = 1024 * 1024
BUTTON_MARK = "#pcibot:"  # prefix of an oa.query.hide payload: the hidden text a button press sends back
MAX_BUTTONS = 5  # per template message [unverified]; more choices are sent as numbered lines
FILE_EVENTS = {"user_send_image": "ảnh", "user_send_file": "tệp", "user_send_video": "video"}
IGNORED_USER_EVENTS = frozenset({"user_received_message", "user_seen_message", "user_reacted_message"})
TOKEN_ERRORS = frozenset({-216, -220})
RATE_LIMITED = -32
RATE_RETRY_SECONDS = 60.0
HOLD_ERRORS = {
    -230: "agency_zalo_window",
    -232: "agency_zalo_window",
    -213: "agency_zalo_not_follower",
    -227: "agency_zalo_inactive",
    -244: "agency_zalo_restricted",
}
# The app or OA is misconfigured or unpaid: retry (an admin can fix it) rather than give the business up.
CONFIG_ERRORS = frozenset({-209, -212, -221, -224, -320, -321})


def _id(value: Any) -> str:
    """A Zalo id as a string (ids are never parsed as numbers)."""
    return str(value) if value is not None else ""


def sender_of(body: dict[str, Any]) -> str:
    """The user an event comes from: `sender.id`, or `follower.id` in the follow/unfollow envelope."""
    if body.get("event_name") in {"follow", "unfollow"}:
        return _id((body.get("follower") or {}).get("id"))
    return _id((body.get("sender") or {}).get("id"))


def handled(name: str) -> bool:
    """Whether pcibot acts on events of this name (others are answered and dropped)."""
    return name in {"follow", "unfollow", "user_submit_info"} or (
        name.startswith("user_send_") and name not in IGNORED_USER_EVENTS
    )


def event_key(body: dict[str, Any]) -> tuple[str, str] | None:
    """(event id for de-duplication, user) of an event we handle; None for events we ignore."""
    name = str(body.get("event_name", ""))
    user = sender_of(body)
    if not handled(name) or not user:
        return None
    msg_id = _id((body.get("message") or {}).get("msg_id"))
    return (msg_id or f"{name}:{user}:{_id(body.get('timestamp'))}"), user


def signature_variant(
    raw: bytes, body: dict[str, Any], header: str, app_id: str, secrets: dict[str, str]
) -> str | None:
    """Which documented formula signed the body ('app_id+oa_secret' …), or None.

    mac = sha256_hex(first + raw body + timestamp from the body + secret); Zalo's docs say the first term is the
    app id and the secret the OA secret key; other write-ups use the OA id or the app secret, so those are
    accepted too and logged. Every candidate is compared in constant time.
    """
    given = header.strip().removeprefix("mac=").strip().lower().encode("utf-8", "replace")
    timestamp = _id(body.get("timestamp")).encode()
    firsts = {"app_id": app_id}
    recipient = body.get("recipient")
    oa_id = _id(body.get("oa_id") or (recipient.get("id") if isinstance(recipient, dict) else None))
    if oa_id and oa_id != app_id:
        firsts["oa_id"] = oa_id
    matched = None
    for first_name, first in firsts.items():
        for secret_name, secret in secrets.items():
            digest = hashlib.sha256(first.encode() + raw + timestamp + secret.encode()).hexdigest().encode()
            if hmac.compare_digest(digest, given) and matched is None:
                matched = f"{first_name}+{secret_name}"
    return matched


class ZaloOAChannel:
    """Zalo OA: webhook → inbox → dispatcher; the outbox calls `deliver`."""

    name = NAME

    def __init__(
        self,
        core: Core,
        handle: Callable[[Incoming], Awaitable[bool]],
        wake: Callable[[], None],
        *,
        app_id: str,
        app_secret: str,
        oa_secret: str,
        refresh_token: str | None,
        api_url: str,
        oauth_url: str,
    ) -> None:
        self.core = core
        self.handle = handle
        self.wake = wake
        self.app_id = app_id
        self.secrets = {"oa_secret": oa_secret, "app_secret": app_secret}
        self.api_url = api_url
        self.inbox = Inbox(core.maker, NAME, self.process)
        self.http = LazyClient()  # the HTTP client for Zalo's APIs
        self.tokens = ZaloTokens(
            core.maker,
            http=self.http,
            oauth_url=oauth_url,
            app_id=app_id,
            app_secret=app_secret,
            bootstrap_refresh_token=refresh_token,
            now=core.now,
            on_failure=self.alert_token_failure,
        )
        self._token_task: asyncio.Task[None] | None = None
        self._variant: str | None = None

    async def start(self) -> None:
        """Process stored events and keep the access token fresh in the background."""
        self.inbox.start()
        self._token_task = asyncio.create_task(self.tokens.keep_fresh(), name="zalo-tokens")

    async def stop(self) -> None:
        """Stop the loops and close the HTTP client."""
        await self.inbox.stop()
        await cancel(self._token_task)
        self._token_task = None
        await self.http.close()

    # -- inbound ------------------------------------------------------------------------------------------
    async def webhook(self, request: web.Request) -> web.Response:
        """POST /zalo/webhook: verify, store, answer 200 at once (Zalo wants it within 2 s)."""
        header = request.headers.get(SIGNATURE_HEADER, "")
        if not header:
            log.warning("Zalo webhook without %s refused", SIGNATURE_HEADER)
            return web.Response(status=401, text="missing signature")
        raw = await request.read()
        try:  # the signature covers the raw body and a timestamp inside it: an unreadable body is not Zalo's
            body = load_object(raw, MAX_BODY, parse_int=str, parse_float=str)  # ids stay strings
        except Refused as refused:
            return web.Response(status=413 if refused.reason == TOO_LARGE else 400, text=refused.reason)
        variant = signature_variant(raw, body, header, self.app_id, self.secrets)
        if variant is None:
            log.warning("Zalo webhook with a wrong signature refused")
            return web.Response(status=401, text="bad signature")
        if variant != self._variant:
            log.info("Zalo webhook signature verified with variant %s", variant)
            self._variant = variant
        try:  # from Zalo but unusable: answered 200, or Zalo retries it and then disables the webhook
            event = parse_oa_event(body)
            key = event_key(event)
            if key is None and handled(event["event_name"]):
                raise Refused(MISSING, "sender.id: missing")
        except Refused as refused:
            record(NAME, refused)
            return web.Response(text="refused")
        if key is not None and not await self.inbox.store(key[0], key[1], event):
            log.info("Zalo event %s already received", key[0])
        return web.Response(text="ok")

    async def process(self, body: dict[str, Any]) -> None:
        """Handle one stored event: release held messages, then the dialogs (or a polite note)."""
        name, user = str(body.get("event_name", "")), sender_of(body)
        now = self.core.now()
        if name == "unfollow":
            async with self.core.maker() as session, session.begin():
                await delivery.mark_unreachable(session, NAME, user, t("agency_zalo_unfollowed", "vi"))
            return
        async with self.core.maker() as session, session.begin():
            released = await release_for_sender(session, NAME, user, now)
        if released:
            log.info("Zalo user wrote again: %d held message(s) released", released)
        incoming = await self._incoming(name, body, user)
        if incoming is not None:
            await self.handle(incoming)
        elif await ask_for_text(self.core, NAME, user, user, _event_id(body)):
            self.wake()
        if released:
            self.wake()

    async def _incoming(self, name: str, body: dict[str, Any], user: str) -> Incoming | None:
        event_id = _event_id(body)
        if name == "follow":
            return _incoming(user, event_id, text="/start")
        message = body.get("message") or {}
        text = unicodedata.normalize("NFC", str(message.get("text") or "")).strip()
        if name == "user_send_text":
            button = text[len(BUTTON_MARK) :] if text.startswith(BUTTON_MARK) else None
            if button is None:
                async with self.core.maker() as session:
                    button = pick(text, await recall(session, NAME, user))
            return _incoming(user, event_id, text="" if button else text, button=button)
        if name in FILE_EVENTS:
            files = tuple(
                Attachment("url", _id(p.get("url")), _id(p.get("name")) or FILE_EVENTS[name])
                for a in message.get("attachments") or []
                if (p := a.get("payload") or {}).get("url")
            )
            return _incoming(user, event_id, text=text, attachments=files)
        if name == "user_submit_info":
            info = body.get("info") or message.get("info") or {}
            if info.get("phone"):
                contact = Contact(phone=_id(info.get("phone")), name=_id(info.get("name")))
                return _incoming(user, event_id, contact=contact)
        return None

    # -- outbound -----------------------------------------------------------------------------------------
    async def deliver(self, target: Delivery, message: Outgoing) -> SendResult:
        """Send as consultation messages: ≤2,000 characters each, buttons as hidden-query buttons."""
        flat = flatten(message.buttons)
        numbered = len(flat) > MAX_BUTTONS
        if numbered:
            text = numbered_text(message)
        else:
            text = "\n".join(x for x in (message.text, *attachment_lines(message.attachments)) if x)
        parts = split(text)

        async def send(index: int, part: str) -> SendResult:
            body: dict[str, Any] = {"recipient": {"user_id": target.chat_id}, "message": {"text": part}}
            if index == len(parts) - 1 and flat and not numbered:
                body["message"]["attachment"] = {"type": "template", "payload": {"buttons": _buttons(flat)}}
            return await self._send(body)

        result = await send_parts(self.core, f"zalo-parts:{target.outbox_id}", parts, send)
        if result.ok and flat:  # new choices replace the old; a plain notice in between keeps them valid
            async with self.core.maker() as session, session.begin():
                await remember(session, NAME, target.chat_id, flat if numbered else [])
        return result

    async def _send(self, body: dict[str, Any]) -> SendResult:
        try:
            token = await self.tokens.access_token()
        except TokenError as err:
            return SendResult(ok=False, retry_after=RATE_RETRY_SECONDS, error=f"Zalo token: {err}")
        for attempt in range(2):
            try:
                async with self.http().post(
                    f"{self.api_url}/v3.0/oa/message/cs",
                    json=body,
                    headers={"access_token": token},
                    timeout=aiohttp.ClientTimeout(total=20),
                ) as resp:
                    data = json.loads(await resp.text())
            except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
                return SendResult(ok=False, error=f"Zalo unreachable ({type(exc).__name__})")
            code = int(data.get("error", 0) or 0)
            if code == 0:
                return SendResult(ok=True, message_id=_id((data.get("data") or {}).get("message_id")) or None)
            if code in TOKEN_ERRORS and attempt == 0:
                try:
                    token = await self.tokens.refresh(stale=token)
                except TokenError as err:
                    return SendResult(ok=False, retry_after=RATE_RETRY_SECONDS, error=f"Zalo token: {err}")
                continue
            return _failure(code, str(data.get("message", "")))
        raise AssertionError("unreachable")

    async def alert_token_failure(self, error: str) -> None:
        """Tell the working group (at most once an hour across replicas) that the OA cannot send."""
        key = f"zalo-token-failed:{self.core.now():%Y%m%d%H}"
        try:
            async with self.core.maker() as session, session.begin():
                if await outbox.dedupe_key_used(session, key):
                    return
                message = Outgoing(t("agency_zalo_token_failed", "vi", error=error))
                await notify.to_working_group(session, self.core, message, dedupe_key=key)
        except IntegrityError:
            return
        self.wake()


def _event_id(body: dict[str, Any]) -> str | None:
    key = event_key(body)
    return key[0] if key else None


def _incoming(user: str, event_id: str | None, **fields: Any) -> Incoming:
    """An Incoming from a private OA chat (the chat is the user)."""
    return Incoming(channel=NAME, user_id=user, chat_id=user, event_id=event_id, **fields)


def _buttons(flat: list[Button]) -> list[dict[str, str]]:
    return [{"title": b.label[:100], "type": "oa.query.hide", "payload": BUTTON_MARK + b.payload} for b in flat]


def _failure(code: int, message: str) -> SendResult:
    """What an OA error code means for the outbox."""
    error = f"Zalo {code}: {message}"
    if code == RATE_LIMITED:
        return SendResult(ok=False, retry_after=RATE_RETRY_SECONDS, error=error)
    if code in HOLD_ERRORS:
        return SendResult(ok=False, hold=True, error=t(HOLD_ERRORS[code], "vi", error=code))
    if code in TOKEN_ERRORS or code in CONFIG_ERRORS:
        log.error("Zalo OA refused a message: %s", error)
        return SendResult(ok=False, error=error)
    return SendResult(ok=False, permanent=True, error=error)


def setup(app: App) -> ZaloOAChannel:
    """Create the OA channel from the config, mount its webhook and register it for delivery."""
    config = app.config
    assert config.zalo_app_id and config.zalo_app_secret and config.zalo_oa_secret
    channel = ZaloOAChannel(
        app.core,
        app.dispatcher.handle,
        app.sender.wake,
        app_id=config.zalo_app_id,
        app_secret=config.zalo_app_secret.get_secret_value(),
        oa_secret=config.zalo_oa_secret.get_secret_value(),
        refresh_token=config.zalo_refresh_token.get_secret_value() if config.zalo_refresh_token else None,
        api_url=config.zalo_api_url,
        oauth_url=config.zalo_oauth_url,
    )
    app.webapp.router.add_post(WEBHOOK_PATH, channel.webhook)
    app.add_channel(channel)
    return channel
