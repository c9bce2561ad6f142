"""/hide and /unhide: the coordinator takes a ticket off the public site (with a reason) or puts it back."""

from __future__ import annotations

from bot.core import lifecycle
from bot.core.authz import can_hide
from bot.core.codes import normalize_code
from handlers.context import Ctx
from handlers.officer import V
from storage.models import Ticket, TicketEvent


async def _ticket(ctx: Ctx, raw: str, usage: str) -> Ticket | None:
    if not can_hide(ctx.actor):
        ctx.reply(V("off_hide_forbidden"))
        return None
    if not raw:
        ctx.reply(V(usage))
        return None
    code = normalize_code(raw, ctx.core.prefix)
    if code is None:
        ctx.reply(V("off_bad_code", code=raw[:20]))
        return None
    ticket = await lifecycle.get_ticket(ctx.session, code)
    if ticket is None:
        ctx.reply(V("off_unknown_code", code=code))
    return ticket


def _log(ctx: Ctx, ticket: Ticket, action: str, reason: str | None) -> None:
    """Append the decision to the ticket's audit trail (never shown publicly; counted on /open-data)."""
    actor = ctx.actor
    ticket.events.append(
        TicketEvent(at=ctx.core.now(), actor_kind=actor.kind, actor_id=actor.ref, action=action, reason=reason, data={})
    )


async def hide(ctx: Ctx, arg: str) -> None:
    """/hide LS-XXXXXX <reason>: the ticket leaves every public page, file, API and feed."""
    raw, _, reason = arg.strip().partition(" ")
    if not reason.strip():
        ctx.reply(V("off_hide_usage"))
        return
    ticket = await _ticket(ctx, raw, "off_hide_usage")
    if ticket is None:
        return
    if ticket.hidden:
        ctx.reply(V("off_hide_already", code=ticket.code))
        return
    ticket.hidden, ticket.hidden_reason = True, reason.strip()
    _log(ctx, ticket, "hidden", reason.strip())
    ctx.reply(V("off_hide_ok", code=ticket.code))


async def unhide(ctx: Ctx, arg: str) -> None:
    """/unhide LS-XXXXXX: public again."""
    ticket = await _ticket(ctx, arg.strip().split(" ")[0], "off_unhide_usage")
    if ticket is None:
        return
    if not ticket.hidden:
        ctx.reply(V("off_unhide_not_hidden", code=ticket.code))
        return
    ticket.hidden, ticket.hidden_reason = False, None
    _log(ctx, ticket, "unhidden", None)
    ctx.reply(V("off_unhide_ok", code=ticket.code))
