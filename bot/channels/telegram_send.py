"""Delivery of one outbox row to Telegram: rendering, per-ticket forum topics, cards, error mapping.

Exactly-once, as far as Telegram allows: the sender marks a row sent with the message id we return, and a
row is never offered again after that. A message that needs several calls (long text, attachments) keeps
its progress in memory, so a retry after a partial failure resumes instead of repeating the parts already
sent. Residual risk (Telegram has no idempotency key): a call that reached Telegram but whose answer was
lost (TimedOut other than a pool timeout, or a crash between the call and the sender's commit) is retried
and may show twice. That is preferred to losing a message.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import IntegrityError
from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    InputMediaDocument,
    InputMediaPhoto,
    InputMediaVideo,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    ReplyParameters,
)
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut

from bot.channels.base import Attachment, Delivery, Outgoing, SendResult
from bot.channels.telegram_limits import Deferred, retry_after_seconds
from bot.channels.telegram_menus import set_chat_menu
from bot.core import notify
from bot.core.clock import now_utc
from bot.core.commands import menu_of
from bot.core.fmt import fmt_date
from bot.core.i18n import t
from storage import delivery
from storage.keyvalues import drop_value
from storage.models import Agency, KeyValue, Ticket, TicketCard

if TYPE_CHECKING:
    from bot.app import App

log = logging.getLogger(__name__)

NAME = "telegram"
# outbox audiences about a ticket in an agency chat → the card role (a hand-over notice closes the topic after it)
AGENCY_AUDIENCES = {"agency_card": "lead", "agency_info": "info", "agency": "notice", "agency_handover": "notice"}
MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK = 64
TOPIC_CLAIM_SECONDS = 60
# what Bot API accepts as chat_id: a (possibly negative) 64-bit integer, or @username of a public channel/group
CHAT_NUMBER = re.compile(r"-?[1-9][0-9]{0,19}")
CHAT_USERNAME = re.compile(r"@[A-Za-z][A-Za-z0-9_]{3,31}")

ChatRef = int | str


class InvalidChat(ValueError):
    """An outbox row names a chat that cannot exist on Telegram (it can never be delivered)."""


def telegram_chat_id(raw: str) -> ChatRef:
    """The chat id a Bot API call takes: an int for a numeric id, the text for @username; else InvalidChat."""
    if CHAT_NUMBER.fullmatch(raw) and -(2**63) <= int(raw) < 2**63:
        return int(raw)
    if CHAT_USERNAME.fullmatch(raw):
        return raw
    raise InvalidChat(f"not a Telegram chat id: {raw[:40]!r}")


def _card_row(target: Delivery, role: str, thread: int | None, message_id: int | None) -> TicketCard:
    """Where a ticket's card or topic lives in an agency chat (so replies and topics route to the ticket)."""
    return TicketCard(
        ticket_id=target.ticket_id,
        agency_id=target.agency_id or "",
        channel=NAME,
        chat_id=target.chat_id,
        thread_id=str(thread) if thread is not None else None,
        message_id=str(message_id) if message_id is not None else None,
        role=role,
        created_at=now_utc(),
    )


class ThreadGone(Exception):
    """A forum topic the row was going to was deleted."""


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Cut a long text at line breaks (or hard) into pieces Telegram accepts."""
    text = text.strip() or "…"
    parts: list[str] = []
    while len(text) > limit:
        cut = text.rfind("\n", 0, limit)
        cut = cut if cut > limit // 2 else limit
        parts.append(text[:cut].rstrip())
        text = text[cut:].lstrip("\n")
    parts.append(text)
    return parts


def inline_markup(message: Outgoing) -> InlineKeyboardMarkup | None:
    """Buttons as an inline keyboard; a payload over Telegram's 64 bytes is a bug, so it fails loudly."""
    if not message.buttons:
        return None
    rows = []
    for row in message.buttons:
        for b in row:
            if len(b.payload.encode()) > MAX_CALLBACK:
                raise ValueError(f"button payload over {MAX_CALLBACK} bytes: {b.payload!r}")
        rows.append([InlineKeyboardButton(b.label[:64], callback_data=b.payload) for b in row])
    return InlineKeyboardMarkup(rows)


@dataclass
class Progress:
    """How far a multi-call message got, so a retry resumes."""

    done: int = 0
    main_id: int | None = None
    ids: list[int] = field(default_factory=list)


class Sender:
    """Turns Delivery + Outgoing into Bot API calls."""

    def __init__(self, app: App, bot: Bot) -> None:
        self.app = app
        self.maker = app.core.maker
        self.bot = bot
        self.progress: dict[int, Progress] = {}
        self.contact_keyboard: set[ChatRef] = set()  # private chats showing our contact keyboard

    # -- entry point -----------------------------------------------------------------------------------
    async def deliver(self, target: Delivery, message: Outgoing) -> SendResult:
        """One outbox row → Telegram; every failure becomes a SendResult the outbox understands."""
        try:
            return await self._deliver(target, message)
        except InvalidChat as err:  # no retry can ever deliver it: end the row now, visibly
            log.warning("outbox row %s cannot be delivered: %s", target.outbox_id, err)
            return SendResult(ok=False, permanent=True, error=str(err))
        except Deferred as err:
            return SendResult(ok=False, retry_after=err.seconds, error=str(err))
        except RetryAfter as err:
            return SendResult(ok=False, retry_after=retry_after_seconds(err) + 0.1, error=str(err))
        except Forbidden as err:
            self.progress.pop(target.outbox_id, None)
            return SendResult(ok=False, permanent=True, error=f"forbidden: {err.message}"[:200])
        except ChatMigrated as err:
            await self._migrated(target.chat_id, str(err.new_chat_id))
            return SendResult(ok=False, retry_after=0.1, error="chat migrated")
        except BadRequest as err:
            self.progress.pop(target.outbox_id, None)
            log.error("telegram refused outbox row %s: %s", target.outbox_id, err.message)
            return SendResult(ok=False, permanent=True, error=f"bad request: {err.message}"[:200])
        except TimedOut as err:
            return SendResult(ok=False, error=f"timed out: {err.message}"[:200])
        except NetworkError as err:  # 5xx and connection errors
            return SendResult(ok=False, error=f"network: {err.message}"[:200])
        except TelegramError as err:  # InvalidToken, Conflict …: retry with backoff, visible in last_error
            return SendResult(ok=False, error=f"{type(err).__name__}: {err.message}"[:200])

    async def _deliver(self, target: Delivery, message: Outgoing) -> SendResult:
        chat_id = telegram_chat_id(target.chat_id)
        chat_menu = menu_of(target.audience)
        if chat_menu is not None:  # a chat was just bound: its menu follows its new role
            await set_chat_menu(self.bot, target.chat_id, chat_menu)
        role = AGENCY_AUDIENCES.get(target.audience)
        if role is None or target.ticket_id is None:
            try:
                main = await self._send(target, chat_id, _thread(target.thread_id), message)
            except ThreadGone:  # a reply into a topic that was deleted meanwhile: post it in the group
                self.progress.pop(target.outbox_id, None)
                main = await self._send(target, chat_id, None, message)
            return SendResult(ok=True, message_id=str(main))
        for _ in range(2):
            thread = await self._ticket_thread(target, chat_id, role)
            try:
                main = await self._send(target, chat_id, thread, message)
            except ThreadGone:
                await self._forget_thread(target)
                self.progress.pop(target.outbox_id, None)
                continue
            await self._record_card(target, role, thread, main)
            if thread is not None and target.audience == "agency_handover":
                await self._topic_state(chat_id, thread, close=True)  # no longer this agency's to handle
            return SendResult(ok=True, message_id=str(main))
        return SendResult(ok=False, error="forum topic vanished twice")

    # -- sending ---------------------------------------------------------------------------------------
    async def _send(self, target: Delivery, chat_id: ChatRef, thread: int | None, message: Outgoing) -> int:
        """Send the text (split if long) and then the attachments; returns the main message id."""
        progress = self.progress.setdefault(target.outbox_id, Progress())
        steps = self._steps(chat_id, message)
        try:
            for index, step in enumerate(steps):
                if index < progress.done:
                    continue
                ids = await step(chat_id, thread, progress.main_id)
                progress.ids += ids
                if progress.main_id is None or (message.buttons and index == _last_text(message)):
                    progress.main_id = ids[0]
                progress.done = index + 1
        except BadRequest as err:
            if "thread not found" in err.message.lower() and thread is not None:
                raise ThreadGone() from err
            raise
        self.progress.pop(target.outbox_id, None)
        if message.request_contact:
            self.contact_keyboard.add(chat_id)
        elif chat_id in self.contact_keyboard and not message.buttons:
            self.contact_keyboard.discard(chat_id)
        assert progress.main_id is not None
        return progress.main_id

    def _steps(self, chat_id: ChatRef, message: Outgoing) -> list[Any]:
        steps: list[Any] = []
        texts = split_text(message.text) if message.text.strip() or not message.attachments else []
        for i, chunk in enumerate(texts):
            last = i == len(texts) - 1
            steps.append(self._text_step(chunk, message if last else None))
        files = list(message.attachments)
        while files:
            group = [files.pop(0)]
            while files and len(group) < 10 and _groupable(group[0], files[0]):
                group.append(files.pop(0))
            steps.append(self._media_step(group))
        return steps

    def _text_step(self, text: str, message: Outgoing | None) -> Any:
        async def step(chat_id: ChatRef, thread: int | None, main: int | None) -> list[int]:
            markup: Any = None
            if message is not None:
                markup = inline_markup(message)
                if message.request_contact:
                    markup = ReplyKeyboardMarkup(
                        [[KeyboardButton(await self._contact_label(chat_id), request_contact=True)]],
                        one_time_keyboard=True,
                        resize_keyboard=True,
                    )
                elif markup is None and chat_id in self.contact_keyboard:
                    markup = ReplyKeyboardRemove()
            sent = await self.bot.send_message(
                chat_id, text, message_thread_id=thread, reply_markup=markup, **_reply(main)
            )
            return [sent.message_id]

        return step

    def _media_step(self, group: list[Attachment]) -> Any:
        async def step(chat_id: ChatRef, thread: int | None, main: int | None) -> list[int]:
            if len(group) == 1:
                a = group[0]
                if a.data is not None:  # an image the bot generated (digest chart): upload it
                    up: Message = await self.bot.send_photo(
                        chat_id,
                        InputFile(a.data, filename=a.name or "chart.png"),
                        message_thread_id=thread,
                        **_reply(main),
                    )
                    return [up.message_id]
                if a.kind == "photo":
                    sent = await self.bot.send_photo(chat_id, a.ref, message_thread_id=thread, **_reply(main))
                elif a.kind == "video":
                    sent = await self.bot.send_video(chat_id, a.ref, message_thread_id=thread, **_reply(main))
                else:
                    sent = await self.bot.send_document(chat_id, a.ref, message_thread_id=thread, **_reply(main))
                return [sent.message_id]
            media = [_input_media(a) for a in group]
            msgs = await self.bot.send_media_group(chat_id, media, message_thread_id=thread, **_reply(main))
            return [m.message_id for m in msgs]

        return step

    async def _contact_label(self, chat_id: ChatRef) -> str:
        async with self.maker() as session:
            lang = await delivery.chat_language(session, NAME, str(chat_id))
        return t("btn_share_phone", lang or "vi")

    # -- forum topics and cards ------------------------------------------------------------------------
    async def _ticket_thread(self, target: Delivery, chat_id: ChatRef, role: str) -> int | None:
        """The ticket's topic in a forum agency group, created once (claimed across replicas)."""
        key = f"tg_topic:{target.chat_id}:{target.ticket_id}"
        try:
            found = await self._claim_topic(target, key)
        except IntegrityError:  # another replica inserted the claim first
            raise Deferred(2.0) from None
        if not isinstance(found, str):
            if found is not None and role == "lead":  # the ticket came back to this agency: its topic reopens
                await self._topic_state(chat_id, found, close=False)
            return found
        name = found
        try:
            topic = await self.bot.create_forum_topic(chat_id, name)
        except TimedOut:
            raise  # it may exist: keep the claim, so only a claim older than its lease tries again
        except BaseException:
            async with self.maker() as session, session.begin():
                await drop_value(session, key)
            raise
        thread = topic.message_thread_id
        async with self.maker() as session, session.begin():
            session.add(_card_row(target, role, thread, None))
            await drop_value(session, key)
        if role == "notice":  # a fresh topic (the old one was deleted): put the card back on top
            await self._repost_card(target, chat_id, thread)
        return thread

    async def _topic_state(self, chat_id: ChatRef, thread: int, *, close: bool) -> None:
        """Close or reopen a ticket's topic; a refusal (already so, no right to manage topics) changes nothing."""
        try:
            if close:
                await self.bot.close_forum_topic(chat_id, thread)
            else:
                await self.bot.reopen_forum_topic(chat_id, thread)
        except BadRequest as err:
            log.info("topic %s in %s not %s: %s", thread, chat_id, "closed" if close else "reopened", err.message)

    async def _claim_topic(self, target: Delivery, key: str) -> int | None | str:
        """The known thread id, None for a group without topics, or (after claiming) the new topic's name."""
        async with self.maker() as session, session.begin():
            agency = await session.get(Agency, target.agency_id) if target.agency_id else None
            if agency is None or not agency.group_is_forum or agency.group_chat_id != target.chat_id:
                return None
            existing = await delivery.card_thread(session, target.ticket_id, NAME, target.chat_id)
            if existing is not None:
                return int(existing)
            now = now_utc()
            claim = await session.get(KeyValue, key)
            if claim is not None and claim.updated_at > now - timedelta(seconds=TOPIC_CLAIM_SECONDS):
                raise Deferred(2.0)  # another sender is creating this topic right now
            if claim is None:
                session.add(KeyValue(key=key, value={"creating": True}, updated_at=now))
            else:
                claim.updated_at = now
            ticket = await session.get(Ticket, target.ticket_id)
            assert ticket is not None
            return self._topic_name(ticket)

    def _topic_name(self, ticket: Ticket) -> str:
        topic = notify.topic_label(self.app.core, ticket.topic_id)
        if len(topic) > 60:
            topic = topic[:59].rstrip() + "…"
        due = fmt_date(ticket.answer_due_at)[:5]
        return f"{ticket.code} · {topic} · hạn {due}"[:128]

    async def _repost_card(self, target: Delivery, chat_id: ChatRef, thread: int) -> None:
        async with self.maker() as session:
            ticket = await session.get(Ticket, target.ticket_id)
            if ticket is None:
                return
            lead = ticket.agency_id == target.agency_id
            card = await notify.card(session, self.app.core, ticket, lead=lead)
        repost = Delivery(
            outbox_id=-target.outbox_id,
            chat_id=target.chat_id,
            audience="agency_card",
            ticket_id=target.ticket_id,
            agency_id=target.agency_id,
        )
        main = await self._send(repost, chat_id, thread, card)
        await self._record_card(repost, "lead" if lead else "info", thread, main)

    async def _forget_thread(self, target: Delivery) -> None:
        async with self.maker() as session, session.begin():
            await delivery.forget_card_threads(session, target.ticket_id, NAME, target.chat_id)

    async def _record_card(self, target: Delivery, role: str, thread: int | None, message_id: int) -> None:
        """Remember where the ticket's message is, so replies to it and its topic route to the ticket."""
        async with self.maker() as session, session.begin():
            session.add(_card_row(target, role, thread, message_id))

    async def _migrated(self, old: str, new: str) -> None:
        """A group became a supergroup: move its bindings and the rows still waiting for it."""
        log.warning("telegram chat %s migrated to %s", old, new)
        async with self.maker() as session, session.begin():
            await delivery.move_chat(session, NAME, old, new)
            row = await session.get(KeyValue, notify.WORKING_GROUP_KEY)
            if row is not None and row.value.get("channel") == NAME and str(row.value.get("chat_id")) == old:
                row.value = {**row.value, "chat_id": new}


def _thread(value: str | None) -> int | None:
    return int(value) if value and value.lstrip("-").isdigit() else None


def _reply(main: int | None) -> dict[str, Any]:
    if main is None:
        return {}
    return {"reply_parameters": ReplyParameters(main, allow_sending_without_reply=True)}


def _last_text(message: Outgoing) -> int:
    return len(split_text(message.text)) - 1 if message.text.strip() else -1


def _groupable(first: Attachment, other: Attachment) -> bool:
    if first.data is not None or other.data is not None:
        return False
    visual = {"photo", "video"}
    return (first.kind in visual and other.kind in visual) or (first.kind == other.kind == "document")


def _input_media(a: Attachment) -> Any:
    if a.kind == "photo":
        return InputMediaPhoto(a.ref)
    if a.kind == "video":
        return InputMediaVideo(a.ref)
    return InputMediaDocument(a.ref)
