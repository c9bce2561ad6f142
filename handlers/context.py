"""The per-event context handed to every handler: session, sender, actor, and reply helpers."""

from __future__ import annotations

from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from bot.channels.base import Button, Incoming, Outgoing
from bot.core import notify
from bot.core.authz import Actor
from bot.core.fmt import fmt_int
from bot.core.i18n import t
from bot.core.lifecycle import LifecycleError
from bot.core.services import Core
from bot.core.states import ticket_words
from storage.models import DialogState, Identity, Officer, Ticket
from storage.senders import Sender, sender, senders

T = TypeVar("T")
# how exactly `Identity.last_inbound_at` follows a business's messages (it dates a loss of contact
# and the platforms' reply windows, which count in hours and days)
INBOUND_PRECISION = timedelta(minutes=1)


@dataclass
class Ctx:
    """One event being handled, inside one database transaction."""

    core: Core
    session: AsyncSession
    msg: Incoming
    officer: Officer | None = None
    identity: Identity | None = None
    sent: list[Outgoing] = field(default_factory=list)
    # the dialog row as loaded with the sender (held here: the session only keeps weak references)
    dialog_row: DialogState | None = None
    dialog_known: bool = False

    @property
    def lang(self) -> str:
        """The sender's language (Vietnamese by default; staff always Vietnamese)."""
        if self.identity is not None and self.identity.language:
            return self.identity.language
        return "vi"

    @property
    def actor(self) -> Actor:
        """Who is acting, for authorization and the audit trail."""
        if self.officer is not None and self.officer.active:
            return Actor(
                role=self.officer.role,
                ref=f"officer:{self.officer.id}",
                agency_id=self.officer.agency_id,
                officer_id=self.officer.id,
            )
        identity_id = self.identity.id if self.identity is not None else None
        return Actor(role="business", ref=f"identity:{identity_id}", identity_id=identity_id)

    def reply(
        self,
        text: str,
        buttons: list[list[Button]] | None = None,
        *,
        request_contact: bool = False,
        audience: str = "reply",
    ) -> None:
        """Answer in the chat the event came from (through the outbox, committed with the change)."""
        out = Outgoing(text=text, buttons=buttons or [], request_contact=request_contact)
        self.sent.append(out)
        notify.enqueue(
            self.session,
            self.core.now(),
            channel=self.msg.channel,
            chat_id=self.msg.chat_id,
            thread_id=self.msg.thread_id,
            audience=audience,
            message=out,
            identity_id=self.identity.id if self.identity is not None else None,
        )

    def say(self, key: str, buttons: list[list[Button]] | None = None, **params: Any) -> None:
        """Reply with a catalog message in the sender's language."""
        self.reply(t(key, self.lang, **params), buttons)

    def say_about(self, key: str, ticket: Ticket, **params: Any) -> None:
        """A catalog message about one ticket: its code and its kind's noun ("câu hỏi LS-…") filled in."""
        words = ticket_words(ticket.kind, self.lang)
        self.reply(t(key, self.lang, **{"code": ticket.code, **words, **params}))

    def refuse(self, err: LifecycleError, lang: str | None = None) -> None:
        """Explain a refused action politely (in `lang`, else the sender's language)."""
        self.reply(refusal(self.core, err, lang or self.lang))

    async def attempt(self, action: Callable[[], Awaitable[T]]) -> T | LifecycleError:
        """Run a core action in a savepoint: its result, or (all of it undone) the refusal."""
        try:
            async with notify.savepoint(self.session):
                return await action()
        except LifecycleError as err:
            # rolling back the savepoint expired what it had changed; reload the sender for the reply
            self.dialog_row, self.dialog_known = None, False
            for row in (self.identity, self.officer):
                if row is not None and row in self.session:
                    await self.session.refresh(row)
            return err

    # -- dialog state -------------------------------------------------------------------------------
    @property
    def dialog_key(self) -> str:
        """This sender's dialog row key (see `_dialog_key`)."""
        return _dialog_key(self.msg)

    async def dialog(self) -> DialogState | None:
        """The sender's current dialog step, if any."""
        if not self.dialog_known:
            self.dialog_row = await self.session.get(DialogState, (self.msg.channel, self.dialog_key))
            self.dialog_known = True
        return self.dialog_row

    async def set_dialog(self, step: str, data: dict[str, Any]) -> None:
        """Store the next dialog step (a row, so a restart continues it)."""
        row = await self.dialog()
        if row is None:
            row = DialogState(
                channel=self.msg.channel,
                user_id=self.dialog_key,
                step=step,
                data=dict(data),
                updated_at=self.core.now(),
            )
            self.session.add(row)
            self.dialog_row = row
        else:
            row.step = step
            row.data = dict(data)
            row.updated_at = self.core.now()

    async def clear_dialog(self) -> None:
        """Leave any dialog."""
        row = await self.dialog()
        if row is not None:
            await self.session.delete(row)
            self.dialog_row, self.dialog_known = None, False  # looked up again if asked (after a flush)


def refusal(core: Core, err: LifecycleError, lang: str) -> str:
    """The message for a refused action, with states and agencies named as people say them."""
    params: dict[str, Any] = {}
    for key, value in err.params.items():
        if key == "state":
            value = t(f"state_{value}", lang)
        elif key == "agency":
            value = notify.agency_label(core, str(value))
        elif isinstance(value, int):
            value = fmt_int(value) if lang == "vi" else f"{value:,}"
        params[key] = value
    return t(f"err_{err.code}", lang, **params)


async def load_senders(session: AsyncSession, msgs: list[Incoming]) -> dict[int, Sender]:
    """What `load_sender` finds, for several events in three queries per channel (keyed by list position).

    Used for events committed together. A user with two events in the list (two chats) is left out, and
    found by `load_sender` as usual: the first event may create rows the second must see.
    """
    users = Counter((msg.channel, msg.user_id) for msg in msgs)
    chosen = [(i, msg) for i, msg in enumerate(msgs) if users[msg.channel, msg.user_id] == 1]
    found: dict[int, Sender] = {}
    for channel in {msg.channel for _, msg in chosen}:
        mine = [(i, msg) for i, msg in chosen if msg.channel == channel]
        officers, dialogs, identities = await senders(
            session,
            channel,
            [msg.user_id for _, msg in mine],
            [_dialog_key(msg) for _, msg in mine],
            identities=any(not msg.is_group for _, msg in mine),
        )
        for i, msg in mine:
            identity = None if msg.is_group else identities.get(msg.user_id)
            found[i] = (officers.get(msg.user_id), dialogs.get(_dialog_key(msg)), identity)
    return found


def _dialog_key(msg: Incoming) -> str:
    """Dialog rows are per user in private chats and per user and chat in groups."""
    return f"{msg.user_id}@{msg.chat_id}" if msg.is_group else msg.user_id


async def load_sender(ctx: Ctx, found: Sender | None = None) -> None:
    """Find (unless given) the officer record, the dialog row and, in private chats, the business identity."""
    msg = ctx.msg
    if found is None:
        found = await sender(ctx.session, msg.channel, msg.user_id, ctx.dialog_key, private=not msg.is_group)
    officer, dialog, identity = found
    ctx.officer = officer
    ctx.dialog_row, ctx.dialog_known = dialog, True
    admins = set(ctx.core.config.admins)
    if f"{msg.channel}:{msg.user_id}" in admins and (ctx.officer is None or ctx.officer.role != "admin"):
        if ctx.officer is None:
            ctx.officer = Officer(
                channel=msg.channel,
                user_id=msg.user_id,
                display_name=msg.display_name,
                role="admin",
                active=True,
                created_at=ctx.core.now(),
            )
            ctx.session.add(ctx.officer)
            await ctx.session.flush()
        elif ctx.officer.role not in {"coordinator"}:
            ctx.officer.role = "admin"
    if msg.is_group:
        return
    now = ctx.core.now()
    if identity is None:
        identity = Identity(
            channel=msg.channel,
            user_id=msg.user_id,
            chat_id=msg.chat_id,
            display_name=msg.display_name,
            language=None,
            unreachable=False,
            created_at=now,
            last_inbound_at=now,
        )
        ctx.session.add(identity)
        await ctx.session.flush()
    last = identity.last_inbound_at
    if identity.unreachable or last is None or now - last >= INBOUND_PRECISION:
        identity.last_inbound_at = now  # a write per minute at most: a busy dialog is not a write per message
    identity.chat_id = msg.chat_id
    if identity.unreachable:
        identity.unreachable = False
        identity.unreachable_reason = None
    ctx.identity = identity
