"""The single entry point: one Incoming → de-duplication, the right handler, one transaction, outbox."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from sqlalchemy.exc import IntegrityError

from bot.channels.base import Incoming
from bot.core.lifecycle import LifecycleError
from bot.core.services import Core
from handlers import admin, digest, hide, intake, link, officer
from handlers.context import Ctx, load_sender
from storage.models import ProcessedEvent

log = logging.getLogger(__name__)
Command = Callable[[Ctx, str], Awaitable[None]]

BUSINESS_COMMANDS: dict[str, Command] = {
    "/start": intake.start,
    "/help": intake.help_,
    "/new": intake.new,
    "/status": intake.status,
    "/cancel": intake.cancel,
    "/lang": intake.lang,
    "/link": link.link,
}
OFFICER_COMMANDS: dict[str, Command] = {
    "/join": officer.join,
    "/inbox": officer.inbox,
    "/show": officer.show,
    "/take": officer.take,
    "/reply": officer.reply,
    "/ask": officer.ask,
    "/resolve": officer.resolve,
    "/transfer": officer.transfer,
    "/extend": officer.extend,
    "/note": officer.note,
    "/reject": officer.reject,
}
ADMIN_COMMANDS: dict[str, Command] = {
    "/invite": admin.invite,
    "/bindagency": admin.bindagency,
    "/bindworkinggroup": admin.bindworkinggroup,
    "/agencies": admin.agencies,
    "/officers": admin.officers,
    "/assign": admin.assign,
    "/overdue": admin.overdue,
    "/stats": admin.stats,
    "/digest": digest.digest,
    "/hide": hide.hide,
    "/unhide": hide.unhide,
}
COMMANDS: dict[str, Command] = {**BUSINESS_COMMANDS, **OFFICER_COMMANDS, **ADMIN_COMMANDS}
OFFICER_BUTTONS = ("take", "ask", "answer", "transfer", "extend", "outcome")


def register(name: str, handler: Command, table: dict[str, Command] = ADMIN_COMMANDS) -> None:
    """Add a command from another module (digest, hide, link …) to the dispatch tables."""
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
        if msg.is_group and name in BUSINESS_COMMANDS and name not in {"/help", "/status", "/cancel"}:
            return
        if name not in BUSINESS_COMMANDS:
            await ctx.clear_dialog()
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
            await intake.lang(ctx, msg.button.split(":", 1)[1])
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
    """Handles events one transaction each; `on_commit` wakes the outbox sender."""

    def __init__(self, core: Core, on_commit: Callable[[], None] | None = None) -> None:
        self.core = core
        self.on_commit = on_commit

    async def handle(self, msg: Incoming) -> bool:
        """Process one event; False when it was a duplicate and changed nothing."""
        try:
            async with self.core.maker() as session, session.begin():
                if msg.event_id is not None:
                    if await session.get(ProcessedEvent, (msg.channel, msg.event_id)) is not None:
                        return False
                    session.add(
                        ProcessedEvent(channel=msg.channel, event_id=msg.event_id, processed_at=self.core.now())
                    )
                    await session.flush()
                ctx = Ctx(core=self.core, session=session, msg=msg)
                await load_sender(ctx)
                refused = await ctx.attempt(lambda: _route(ctx))
                if isinstance(refused, LifecycleError):  # the savepoint undid every change of the handler
                    ctx.refuse(refused)
        except IntegrityError:
            if msg.event_id is not None:
                log.info("duplicate event %s/%s ignored", msg.channel, msg.event_id)
                return False
            raise
        if self.on_commit is not None:
            self.on_commit()
        return True
