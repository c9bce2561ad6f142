"""The single entry point: one Incoming → de-duplication, the right handler, one transaction, outbox."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.channels.base import Incoming
from bot.core import abuse, notify
from bot.core.authz import is_staff
from bot.core.commands import BUSINESS, BY_NAME, GROUP
from bot.core.commands import COMMANDS as TABLE
from bot.core.lifecycle import LifecycleError
from bot.core.services import Core
from handlers import admin, clusters, digest, hide, intake, link, officer
from handlers.context import Ctx, load_sender, load_senders
from storage.events import record_events
from storage.senders import Sender

log = logging.getLogger(__name__)
Command = Callable[[Ctx, str], Awaitable[None]]

HANDLERS: dict[str, Command] = {  # one for every command of bot/core/commands.py, which says who may use it where
    "start": intake.start,
    "help": intake.help_,
    "new": intake.new,
    "status": intake.status,
    "cancel": intake.cancel,
    "lang": intake.lang,
    "link": link.link,
    "join": officer.join,
    "inbox": officer.inbox,
    "show": officer.show,
    "take": officer.take,
    "reply": clusters.reply,
    "ask": officer.ask,
    "resolve": officer.resolve,
    "transfer": officer.transfer,
    "extend": officer.extend,
    "note": officer.note,
    "reject": officer.reject,
    "clusters": clusters.clusters,
    "invite": admin.invite,
    "bindagency": admin.bindagency,
    "bindworkinggroup": admin.bindworkinggroup,
    "agencies": admin.agencies,
    "officers": admin.officers,
    "assign": admin.assign,
    "overdue": admin.overdue,
    "stats": admin.stats,
    "digest": digest.digest,
    "hide": hide.hide,
    "unhide": hide.unhide,
}
if set(HANDLERS) != set(BY_NAME):  # the table and the handlers cannot drift apart
    raise RuntimeError(f"commands without a handler or a table entry: {set(HANDLERS) ^ set(BY_NAME)}")
COMMANDS: dict[str, Command] = {f"/{name}": handler for name, handler in HANDLERS.items()}
BUSINESS_COMMANDS: dict[str, Command] = {f"/{c.name}": HANDLERS[c.name] for c in TABLE if BUSINESS in c.roles}
# the businesses' own commands that a group ignores (their dialog is a private matter)
PRIVATE_ONLY = frozenset(f"/{c.name}" for c in TABLE if c.roles == {BUSINESS} and GROUP not in c.chats)
OFFICER_BUTTONS = (*notify.CARD_ACTIONS, "outcome")


def register(name: str, handler: Command, table: dict[str, Command]) -> None:
    """Add a command for a test's own handler to the dispatch tables."""
    table[name] = handler
    COMMANDS[name] = handler


async def _route(ctx: Ctx) -> None:
    msg = ctx.msg
    command = msg.command
    if command is not None:
        name, arg = command
        handler = COMMANDS.get(name)
        if handler is None:
            ctx.say("unknown_command")
            return
        if msg.is_group and name in PRIVATE_ONLY:
            return
        if name not in BUSINESS_COMMANDS and is_staff(ctx.actor):
            await ctx.clear_dialog()  # a staff command ends the officer's dialog; a business's draft is kept
        await handler(ctx, arg)
        return
    if msg.button is not None:
        head = msg.button.split(":", 1)[0]
        if head in {"rate", "reopen"}:
            await intake.rating_button(ctx, msg.button)
            return
        if head in OFFICER_BUTTONS and head != "outcome":
            await officer.button(ctx, msg.button)
            return
        if head == "new":
            await intake.new(ctx, "")
            return
        if head == "status":
            await intake.status(ctx, "")
            return
        if head == "lang":
            await intake.lang(ctx, msg.button.partition(":")[2])
            return
    if await intake.answer_by_reply(ctx):
        return
    state = await ctx.dialog()
    if state is not None:
        if state.step.startswith("officer_"):
            await officer.dialog_step(ctx, state.step, dict(state.data))
        else:
            await intake.dialog_step(ctx, state.step, dict(state.data))
        return
    if msg.button is not None:
        ctx.say("button_expired")
        return
    if msg.is_group:
        await officer.group_text(ctx)
        return
    await intake.free_text(ctx)


class Dispatcher:
    """Handles events one transaction each (or a few together); `on_commit` wakes the outbox sender."""

    def __init__(self, core: Core, on_commit: Callable[[], None] | None = None, group_max: int = 64) -> None:
        self.core = core
        self.on_commit = on_commit
        self.group_max = group_max
        self._queued: list[tuple[Incoming, asyncio.Future[bool]]] = []
        self._worker: asyncio.Task[None] | None = None

    async def handle_grouped(self, msg: Incoming) -> bool:
        """Like `handle`, but committed together with the events that queued up meanwhile (group commit).

        Events of different chats waiting at the same time share one transaction, a few statements and one
        commit: SQLite's single writer would make every commit a turn of its own, and PostgreSQL would pay
        the round trips of many small transactions. If any of them is refused or fails (a deadlock with
        another replica included), the whole group is undone and each event is handled again alone,
        exactly as `handle` does; so the result, a duplicate, a refusal and an error are what they would
        be one at a time. Callers keep each chat's events in order by awaiting one before submitting the next.
        """
        done: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._queued.append((msg, done))
        if self._worker is None or self._worker.done():
            self._worker = asyncio.create_task(self._work(), name="dispatch-group-commit")
        return await done

    async def _work(self) -> None:
        while self._queued:
            group, self._queued = self._queued[: self.group_max], self._queued[self.group_max :]
            if len(group) > 1:
                try:
                    firsts = await self._run_group([msg for msg, _ in group])
                except Exception:  # a refusal or a failure: undone; handle each on its own below
                    log.debug("group of %d events undone, handling them one by one", len(group), exc_info=True)
                else:
                    if any(firsts) and self.on_commit is not None:
                        self.on_commit()
                    for (_, done), first in zip(group, firsts, strict=True):
                        if not done.done():
                            done.set_result(first)
                    continue
            for msg, done in group:
                try:
                    first = await self.handle(msg)
                except Exception as exc:
                    if not done.done():
                        done.set_exception(exc)
                else:
                    if not done.done():
                        done.set_result(first)

    async def _run_group(self, msgs: list[Incoming]) -> list[bool]:
        """Several events in one transaction (their ids recorded in one statement); any exception undoes all."""
        async with self.core.maker() as session, session.begin():
            firsts = await _first_times(session, msgs, self.core.now())
            fresh = [msg for msg, first in zip(msgs, firsts, strict=True) if first]
            senders = await load_senders(session, fresh)
            async with notify.batched(session):
                for i, msg in enumerate(fresh):
                    await self._route_one(session, msg, None, senders.get(i))
            return firsts

    async def handle(self, msg: Incoming) -> bool:
        """Process one event; False when it was a duplicate and changed nothing."""
        try:
            try:
                first = await self._run(msg, None)
            except LifecycleError as refused:  # the transaction undid every change: record the event, explain
                first = await self._run(msg, refused)
        except IntegrityError:
            if msg.event_id is not None:
                log.info("duplicate event %s/%s ignored", msg.channel, msg.event_id)
                return False
            raise
        if not first:
            return False
        if self.on_commit is not None:
            self.on_commit()
        return True

    async def _run(self, msg: Incoming, refused: LifecycleError | None) -> bool:
        """One transaction: record the event id, then route it (or, after a refusal, only explain it)."""
        async with self.core.maker() as session, session.begin():
            async with notify.batched(session):
                return await self._process(session, msg, refused)

    async def _process(self, session: AsyncSession, msg: Incoming, refused: LifecycleError | None) -> bool:
        """Record the event id, then route the event (or only explain its refusal); False for a duplicate."""
        if not (await _first_times(session, [msg], self.core.now()))[0]:
            return False
        await self._route_one(session, msg, refused)
        return True

    async def _route_one(
        self, session: AsyncSession, msg: Incoming, refused: LifecycleError | None, sender: Sender | None = None
    ) -> None:
        """Load the sender (unless given) and route the event (or only explain its refusal)."""
        ctx = Ctx(core=self.core, session=session, msg=msg)
        await load_sender(ctx, sender)
        if await _rate_limited(ctx):
            return
        if refused is None:
            await _route(ctx)
        else:
            ctx.refuse(refused)


async def _rate_limited(ctx: Ctx) -> bool:
    """A business over PCIBOT_RATE_LIMIT_PER_MINUTE: told once per window, the message changes nothing.
    Staff and group chats (agency groups) are not limited."""
    identity = ctx.identity
    if identity is None or is_staff(ctx.actor):
        return False
    excess, wait = await abuse.over_rate(ctx.session, identity, ctx.core.now(), ctx.core.config.rate_limit_per_minute)
    if excess == 1:
        ctx.say("rate_limited", limit=ctx.core.config.rate_limit_per_minute, seconds=wait)
    return excess > 0


async def _first_times(session: AsyncSession, msgs: list[Incoming], now: datetime) -> list[bool]:
    """For each event, whether it is new: all their ids recorded in one statement (a second copy is a duplicate)."""
    new = await record_events(
        session, [(msg.channel, msg.event_id) for msg in msgs if msg.event_id is not None], now
    )
    firsts = []
    for msg in msgs:
        key = (msg.channel, msg.event_id or "")
        firsts.append(msg.event_id is None or key in new)
        new.discard(key)
    return firsts
