"""The Telegram channel on python-telegram-bot 22: updates → Incoming, outbox rows → Bot API calls.

PTB runs inside our process: polling by default (our ConfirmingPoller, which confirms updates to Telegram
only once they are committed), or — when PCIBOT_TELEGRAM_WEBHOOK_URL is set — our own aiohttp route
receives updates (secret header checked in constant time). Either way they go on PTB's queue.
No ConversationHandler and no persistence: one catch-all handler converts every update and hands it to
the channel-neutral dispatcher, which de-duplicates update ids and keeps dialog state in the database.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from aiohttp import web
from telegram import Message, Update
from telegram.error import TelegramError
from telegram.ext import Application, ApplicationBuilder, BaseUpdateProcessor, ContextTypes, TypeHandler

from bot.channels.base import Attachment, Contact, Delivery, Incoming, Outgoing, SendResult
from bot.channels.boundary import Refused, clean, load_object, record
from bot.channels.telegram_http import AiohttpRequest
from bot.channels.telegram_limits import ChatRateLimiter, Limits
from bot.channels.telegram_menus import bound_chats, set_menus
from bot.channels.telegram_poll import ConfirmingPoller
from bot.channels.telegram_send import NAME, Sender
from bot.channels.telegram_update import parse_update

if TYPE_CHECKING:
    from bot.app import App

log = logging.getLogger(__name__)

ALLOWED_UPDATES = ["message", "callback_query", "my_chat_member"]
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
ANSWERS_IN_FLIGHT = 4
MAX_BODY = 1024 * 1024  # an update is a few KB; a media group or a long text stays far below

class ChatOrderedProcessor(BaseUpdateProcessor):
    """Updates of one chat run in arrival order; different chats run concurrently."""

    def __init__(self, max_concurrent_updates: int) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int | None, tuple[asyncio.Lock, list[int]]] = {}

    async def do_process_update(self, update: object, coroutine: Any) -> None:
        """Wait for the chat's previous updates, then run this one."""
        key = update.effective_chat.id if isinstance(update, Update) and update.effective_chat else None
        lock, users = self._locks.setdefault(key, (asyncio.Lock(), [0]))
        users[0] += 1
        try:
            async with lock:
                await coroutine
        finally:
            users[0] -= 1
            if users[0] == 0:
                self._locks.pop(key, None)

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""


def _report_end(task: asyncio.Task[None]) -> None:
    """Log why polling stopped, unless it was asked to (a wrong token, say, ends it for good)."""
    if not task.cancelled() and task.exception() is not None:
        log.error("telegram polling stopped", exc_info=task.exception())


def webhook_secret(app: App) -> str:
    """The configured secret, or one derived from the token (Telegram allows A-Z a-z 0-9 _ -)."""
    cfg = app.config
    if cfg.telegram_webhook_secret is not None:
        return cfg.telegram_webhook_secret.get_secret_value()
    assert cfg.telegram_token is not None
    return hashlib.sha256(b"pcibot-webhook:" + cfg.telegram_token.get_secret_value().encode()).hexdigest()


class TelegramChannel:
    """The Channel for Telegram: PTB application, update conversion, delivery."""

    name = NAME

    def __init__(self, app: App, limits: Limits | None = None) -> None:
        cfg = app.config
        assert cfg.telegram_token is not None, "PCIBOT_TELEGRAM_TOKEN is required"
        self.app = app
        self.webhook_url = cfg.telegram_webhook_url
        self.secret = webhook_secret(app) if self.webhook_url else ""
        self.limiter = ChatRateLimiter(limits)
        builder = (
            ApplicationBuilder()
            .token(cfg.telegram_token.get_secret_value())
            .base_url(f"{cfg.telegram_api_url}/bot")
            .base_file_url(f"{cfg.telegram_api_url}/file/bot")
            .request(AiohttpRequest(connection_pool_size=32))
            .get_updates_request(AiohttpRequest(connection_pool_size=1, read_timeout=15))
            .rate_limiter(self.limiter)
            .job_queue(None)
            .updater(None)  # updates come from our webhook route or our ConfirmingPoller
        )
        # Chats in parallel, each in order; the updates waiting at the same time are committed together (group
        # commit: one transaction and a few statements for many updates, on SQLite and PostgreSQL alike)
        builder = builder.concurrent_updates(ChatOrderedProcessor(64))
        self.ptb: Application[Any, Any, Any, Any, Any, Any] = builder.build()
        self.ptb.add_handler(TypeHandler(Update, self._on_update))
        self.ptb.add_error_handler(self._on_error)
        self.sender = Sender(app, self.ptb.bot)
        self._in_flight: dict[int, asyncio.Future[bool]] = {}  # update id → committed?
        self._tasks: set[asyncio.Task[None]] = set()
        self.poller = ConfirmingPoller(self.ptb.bot, self._submit_polled, ALLOWED_UPDATES)
        self._polling: asyncio.Task[None] | None = None
        # a few button answers in flight at a time: hundreds at once would each open a pooled connection
        # (PTB's pool holds 256), and httpx re-checks every connection of its pool for each queued request
        self._answer_slots = asyncio.Semaphore(ANSWERS_IN_FLIGHT)
        if self.webhook_url:
            path = urlsplit(self.webhook_url).path or "/"
            app.webapp.router.add_post(path, self._webhook)

    # -- lifecycle -------------------------------------------------------------------------------------
    async def start(self) -> None:
        """getMe, command menus, then polling or setWebhook; safe to call again after it failed."""
        await self.ptb.initialize()
        try:
            await self._set_commands()
        except TelegramError as err:  # menus are a convenience; never block start-up on them
            log.warning("setMyCommands failed: %s", err)
        if not self.ptb.running:
            await self.ptb.start()
        if self.webhook_url:
            await self.ptb.bot.set_webhook(self.webhook_url, secret_token=self.secret, allowed_updates=ALLOWED_UPDATES)
            log.info("telegram webhook at %s", self.webhook_url)
        else:
            self._polling = asyncio.create_task(self.poller.run(), name="telegram-polling")
            self._polling.add_done_callback(_report_end)
            log.info("telegram polling as @%s", self.ptb.bot.username)

    async def stop(self) -> None:
        """Stop fetching, finish queued updates, close the HTTP pools (the webhook stays registered)."""
        if self._polling is not None:
            self._polling.cancel()
            await asyncio.gather(self._polling, return_exceptions=True)
            self._polling = None
        if self.ptb.running:
            await self.ptb.stop()
        await self.ptb.shutdown()

    async def _set_commands(self) -> None:
        async with self.app.core.maker() as session:
            chats = await bound_chats(session, self.app.core.coordinator_agency, list(self.app.config.admins))
        await set_menus(self.ptb.bot, chats)

    async def deliver(self, target: Delivery, message: Outgoing) -> SendResult:
        """Send one outbox row."""
        return await self.sender.deliver(target, message)

    # -- inbound ---------------------------------------------------------------------------------------
    async def _webhook(self, request: web.Request) -> web.Response:
        got = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(got.encode(), self.secret.encode()):
            return web.Response(status=403, text="forbidden")
        if not self.ptb.running:
            return web.Response(status=503, text="starting or stopping")  # Telegram will redeliver
        try:
            update = parse_update(load_object(await request.read(), MAX_BODY), self.ptb.bot)
        except Refused as refused:  # a poison update: answered as received, or Telegram redelivers it for ever
            record(NAME, refused)
            return web.Response(text="refused")
        # answer 200 only once the update is committed, so Telegram redelivers what we lost
        ok = await self._submit(update)
        return web.Response(text="ok") if ok else web.Response(status=500, text="retry")

    async def _submit_polled(self, update: Update) -> bool:
        """A polled update through the same boundary as a webhook's (True for a refused one: confirm it)."""
        try:
            checked = parse_update(clean(update.to_dict()), self.ptb.bot)
        except Refused as refused:
            record(NAME, refused)
            return True
        return await self._submit(checked)

    async def _submit(self, update: Update) -> bool:
        """Hand an update to PTB and wait until it is committed: True, or False if it failed or took over 30 s.

        Copies of an update that is still in flight (Telegram redelivering, a client retrying) are not queued
        again: they wait for the first copy's outcome, so each is answered as soon as that one is committed.
        """
        uid = update.update_id
        done = self._in_flight.get(uid)
        if done is None:
            done = self._in_flight[uid] = asyncio.get_running_loop().create_future()
            done.add_done_callback(lambda _: self._in_flight.pop(uid, None))
            await self.ptb.update_queue.put(update)
        try:
            return bool(await asyncio.wait_for(asyncio.shield(done), timeout=30))
        except TimeoutError:
            return False

    async def _on_update(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        ok = False
        try:
            incoming = self.to_incoming(update)
            if update.callback_query is not None:  # stop the button's spinner while we handle the press
                task = asyncio.create_task(self._answer(update))
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)
            if incoming is not None:
                await self._handle(incoming)
            ok = True
        finally:
            done = self._in_flight.get(update.update_id)
            if done is not None and not done.done():
                done.set_result(ok)

    async def _answer(self, update: Update) -> None:
        assert update.callback_query is not None
        try:
            async with self._answer_slots:
                await update.callback_query.answer()
        except TelegramError as err:  # the spinner stops by itself; the press still counts
            log.info("answerCallbackQuery failed: %s", err)

    async def _handle(self, incoming: Incoming) -> None:
        dispatcher = self.app.dispatcher
        for attempt in range(3):  # the database may blip; the update id keeps retries idempotent
            try:
                await dispatcher.handle_grouped(incoming)
                return
            except Exception:
                if attempt == 2:
                    raise
                log.warning("handling telegram update %s failed, retrying", incoming.event_id, exc_info=True)
                await asyncio.sleep(0.5 * (attempt + 1))

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        uid = update.update_id if isinstance(update, Update) else None  # no texts or names in the log
        log.error("telegram update %s failed", uid, exc_info=context.error)

    def to_incoming(self, update: Update) -> Incoming | None:
        """The channel-neutral form of an update, or None for what the bot ignores."""
        query = update.callback_query
        if query is not None:
            msg = query.message if isinstance(query.message, Message) else None
            if msg is None or query.data is None:
                return None
            return self._incoming(update, msg, query.from_user, text="", button=query.data)
        msg = update.message
        if msg is None or msg.from_user is None or msg.from_user.is_bot:
            return None
        text = msg.text or msg.caption or ""
        if text.startswith("/"):
            head = text.split(maxsplit=1)[0]
            target = head.partition("@")[2]
            if target and target.lower() != (self.ptb.bot.username or "").lower():
                return None  # a command for another bot in the same group
        files: list[Attachment] = []
        if msg.photo:
            files.append(Attachment("photo", msg.photo[-1].file_id))
        if msg.document:
            files.append(Attachment("document", msg.document.file_id, msg.document.file_name))
        if msg.video:
            files.append(Attachment("video", msg.video.file_id, msg.video.file_name))
        contact = None
        if msg.contact is not None:
            name = " ".join(x for x in (msg.contact.first_name, msg.contact.last_name) if x)
            contact = Contact(phone=msg.contact.phone_number, name=name)
        if not (text or files or contact):
            return None  # service messages, stickers, polls …
        return self._incoming(update, msg, msg.from_user, text=text, attachments=tuple(files), contact=contact)

    def _incoming(self, update: Update, msg: Message, user: Any, **fields: Any) -> Incoming:
        chat = msg.chat
        thread = msg.message_thread_id if msg.is_topic_message else None
        reply_to = msg.reply_to_message
        reply_id = None
        if reply_to is not None and not reply_to.forum_topic_created and reply_to.message_id != thread:
            reply_id = str(reply_to.message_id)  # in a topic, the creation message is not a reply
        return Incoming(
            channel=NAME,
            user_id=str(user.id),
            chat_id=str(chat.id),
            is_group=chat.type in {"group", "supergroup"},
            thread_id=str(thread) if thread is not None else None,
            reply_to_message_id=reply_id if "button" not in fields else None,
            event_id=str(update.update_id),
            display_name=user.full_name,
            language_hint=(user.language_code or "")[:2] or None,
            album=msg.media_group_id,
            extras={"is_forum": bool(chat.is_forum), "message_id": msg.message_id},
            **fields,
        )
