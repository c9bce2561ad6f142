"""Agency officers: join, inbox, show, take, ask, reply, resolve, transfer, extend, reject, notes, buttons."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from bot.channels.base import Button
from bot.core import abuse, lifecycle
from bot.core.authz import can_act, can_assign, can_see_identity, is_staff
from bot.core.codes import normalize_code
from bot.core.fmt import fmt_date, fmt_datetime
from bot.core.history import event_text
from bot.core.i18n import t
from bot.core.lifecycle import OPEN_STATES, LifecycleError
from bot.core.notify import CARD_ACTIONS, agency_label, card, card_buttons_for, kind_label, officer_buttons
from bot.core.states import allows, state_label, ticket_words
from handlers.context import Ctx
from storage.models import Invite, Officer, Ticket
from storage.tickets import open_tickets, ticket_messages, ticket_of_card

OUTCOME_BUTTONS = [
    [Button("Tiếp thu", "outcome:accepted"), Button("Đang nghiên cứu", "outcome:under_study")],
    [Button("Không tiếp thu", "outcome:not_accepted")],
]


def V(key: str, **params: Any) -> str:  # noqa: N802 - short helper for agency-facing Vietnamese text
    """Agency-facing text is always Vietnamese."""
    return t(key, "vi", **params)


async def thread_ticket(ctx: Ctx) -> Ticket | None:
    """The ticket whose forum topic (or replied-to card) this message belongs to."""
    msg = ctx.msg
    if not (msg.thread_id or msg.reply_to_message_id):
        return None
    ticket_id = await ticket_of_card(
        ctx.session, msg.channel, msg.chat_id, thread_id=msg.thread_id, message_id=msg.reply_to_message_id
    )
    if ticket_id is None:
        return None
    ticket = await ctx.session.get(Ticket, ticket_id)
    if ticket is not None:
        await ctx.session.refresh(ticket, ["events"])
    return ticket


async def _ticket_and_rest(ctx: Ctx, arg: str) -> tuple[Ticket | None, str]:
    """Parse 'CODE rest' (the code may be omitted inside a ticket's forum topic)."""
    head, _, rest = arg.strip().partition(" ")
    code = normalize_code(head, ctx.core.prefix) if head else None
    if code is not None:
        ticket = await lifecycle.get_ticket(ctx.session, code)
        if ticket is None:
            ctx.reply(V("off_unknown_code", code=code))
        return ticket, rest.strip()
    ticket = await thread_ticket(ctx)
    if ticket is None:
        ctx.reply(V("off_bad_code", code=head[:20]) if head else V("off_need_code"))
    return ticket, arg.strip()


def require_staff(ctx: Ctx) -> bool:
    """True for officers, heads, the coordinator and admins; others get the polite refusal."""
    if is_staff(ctx.actor):
        return True
    ctx.reply(V("off_not_officer"))
    return False


async def _run(ctx: Ctx, action: Callable[[], Awaitable[None]], done: str, **params: Any) -> bool:
    """Run one lifecycle action in its own savepoint: refused means nothing of it is kept."""
    err = await ctx.attempt(action)
    if isinstance(err, LifecycleError):
        ctx.refuse(err, "vi")
        return False
    ctx.reply(V(done, **params))
    return True


async def join(ctx: Ctx, arg: str) -> None:
    """/join <code>: become an officer (or head) of the agency named by a one-time invite."""
    code = arg.strip().upper()
    now = ctx.core.now()
    wait = await abuse.code_wait_minutes(ctx.session, ctx.msg, "invite", now)
    if wait:
        ctx.reply(V("join_throttled", minutes=wait))
        return
    invite = await ctx.session.get(Invite, code) if code else None
    if invite is None or invite.used_at is not None or invite.expires_at < now:
        if code:
            abuse.wrong_code(ctx.session, ctx.msg, "invite", now)
        ctx.reply(V("join_invalid"))
        return
    officer = ctx.officer
    if officer is None:
        officer = Officer(
            channel=ctx.msg.channel,
            user_id=ctx.msg.user_id,
            display_name=ctx.msg.display_name,
            role=invite.role,
            agency_id=invite.agency_id,
            active=True,
            created_at=now,
        )
        ctx.session.add(officer)
    elif officer.role in {"admin"}:
        ctx.reply(V("join_admin"))
        return
    else:
        officer.agency_id, officer.role, officer.active = invite.agency_id, invite.role, True
    if not ctx.msg.is_group:
        officer.chat_id = ctx.msg.chat_id
    await ctx.session.flush()
    invite.used_at, invite.used_by = now, officer.id
    ctx.officer = officer
    ctx.reply(
        V(
            "join_ok",
            agency=agency_label(ctx.core, invite.agency_id),
            role="lãnh đạo" if invite.role == "head" else "cán bộ",
        )
    )


async def inbox(ctx: Ctx, _arg: str) -> None:
    """/inbox: the agency's open tickets, nearest deadline first."""
    if not require_staff(ctx):
        return
    own = ctx.actor.agency_id if ctx.actor.role in {"officer", "head"} else None
    tickets = await open_tickets(ctx.session, OPEN_STATES, own)
    if not tickets:
        ctx.reply(V("inbox_empty"))
        return
    now = ctx.core.now()
    lines = [V("inbox_title", n=len(tickets))]
    for tk in tickets:
        late = " ⚠️ quá hạn" if tk.answer_due_at < now and tk.state != "awaiting_info" else ""
        lines.append(
            f"• {tk.code} — {kind_label(tk.kind)} — {state_label(tk.state)} — hạn {fmt_date(tk.answer_due_at)}"
            f"{late}\n  {tk.text[:80]}"
        )
    ctx.reply("\n".join(lines))


async def show(ctx: Ctx, arg: str) -> None:
    """/show CODE: the full card, history and thread (contact details only to those allowed)."""
    if not require_staff(ctx):
        return
    ticket, _ = await _ticket_and_rest(ctx, arg)
    if ticket is None:
        return
    if not can_act(ctx.actor, ticket) and ctx.actor.role != "admin":
        ctx.reply(V("err_forbidden", agency=agency_label(ctx.core, ticket.agency_id)))
        return
    out = await card(ctx.session, ctx.core, ticket, lead=True, show_contact=can_see_identity(ctx.actor, ticket))
    lines = [out.text.split("\n\n", 1)[0]]
    lines += ["", ticket.text, "", V("show_history")]
    for ev in ticket.events[-15:]:
        what = event_text(ev, "vi", lambda agency_id: agency_label(ctx.core, agency_id))
        reason = f" · {ev.reason}" if ev.reason and ev.action != "close" else ""
        lines.append(f"{fmt_datetime(ev.at)} · {what}{reason}")
    msgs = await ticket_messages(ctx.session, ticket.id)
    for m in msgs[1:][-10:]:
        who = {"in": "DN", "out": "CQ", "internal": "Ghi chú"}.get(m.direction, m.direction)
        lines.append(f"[{who}] {m.text[:300]}")
    ctx.reply("\n".join(lines), out.buttons)


async def take(ctx: Ctx, arg: str) -> None:
    """/take CODE: acknowledge and start handling."""
    if not require_staff(ctx):
        return
    ticket, _ = await _ticket_and_rest(ctx, arg)
    if ticket is not None:
        tk = ticket
        await _run(
            ctx,
            lambda: lifecycle.take(ctx.session, ctx.core, tk, ctx.actor),
            "take_ok",
            code=tk.code,
            due=fmt_date(tk.answer_due_at),
        )


async def reply(ctx: Ctx, arg: str) -> None:
    """/reply CODE <text>: a message to the business, signed by the agency."""
    if not require_staff(ctx):
        return
    ticket, text = await _ticket_and_rest(ctx, arg)
    if ticket is not None:
        tk = ticket
        await _run(ctx, lambda: lifecycle.reply(ctx.session, ctx.core, tk, ctx.actor, text), "reply_ok", code=tk.code)


async def ask(ctx: Ctx, arg: str) -> None:
    """/ask CODE <question>: ask the business for information (pauses the clock)."""
    if not require_staff(ctx):
        return
    ticket, text = await _ticket_and_rest(ctx, arg)
    if ticket is not None:
        tk = ticket
        await _run(ctx, lambda: lifecycle.ask(ctx.session, ctx.core, tk, ctx.actor, text), "ask_ok", code=tk.code)


def _split_outcome(text: str) -> tuple[str | None, str]:
    head, _, rest = text.partition(" ")
    aliases = {
        "tiep_thu": "accepted",
        "accepted": "accepted",
        "nghien_cuu": "under_study",
        "under_study": "under_study",
        "khong_tiep_thu": "not_accepted",
        "not_accepted": "not_accepted",
    }
    if head.lower() in aliases:
        return aliases[head.lower()], rest.strip()
    return None, text


async def resolve(ctx: Ctx, arg: str) -> None:
    """/resolve CODE [tiep_thu|nghien_cuu|khong_tiep_thu] <answer>: the final answer."""
    if not require_staff(ctx):
        return
    ticket, text = await _ticket_and_rest(ctx, arg)
    if ticket is None:
        return
    outcome, body = _split_outcome(text)
    tk = ticket
    await _run(
        ctx,
        lambda: lifecycle.resolve(ctx.session, ctx.core, tk, ctx.actor, body, outcome),
        "resolve_ok",
        code=tk.code,
    )


async def transfer(ctx: Ctx, arg: str) -> None:
    """/transfer CODE <agency_id> <reason>: hand over to the competent agency."""
    if not require_staff(ctx):
        return
    ticket, rest = await _ticket_and_rest(ctx, arg)
    if ticket is None:
        return
    agency_id, _, reason = rest.partition(" ")
    tk = ticket
    await _run(
        ctx,
        lambda: lifecycle.transfer(ctx.session, ctx.core, tk, ctx.actor, agency_id.strip(), reason),
        "transfer_ok",
        code=tk.code,
        agency=agency_label(ctx.core, agency_id.strip()),
    )


async def extend(ctx: Ctx, arg: str) -> None:
    """/extend CODE <working days> <reason>: one extension of the answer deadline."""
    if not require_staff(ctx):
        return
    ticket, rest = await _ticket_and_rest(ctx, arg)
    if ticket is None:
        return
    days_s, _, reason = rest.partition(" ")
    if not days_s.isdigit() and can_act(ctx.actor, ticket):  # others hear they may not, not how to write it
        ctx.reply(V("extend_usage", limit=ctx.core.rules.sla.extension_max))
        return
    tk = ticket

    async def act() -> None:
        await lifecycle.extend(ctx.session, ctx.core, tk, ctx.actor, int(days_s) if days_s.isdigit() else 0, reason)

    if await _run(ctx, act, "extend_ok", code=tk.code, days=days_s):
        ctx.reply(V("extend_new_due", due=fmt_date(tk.answer_due_at)))


async def reject(ctx: Ctx, arg: str) -> None:
    """/reject CODE <reason>: out of scope."""
    if not require_staff(ctx):
        return
    ticket, reason = await _ticket_and_rest(ctx, arg)
    if ticket is not None:
        tk = ticket
        await _run(
            ctx,
            lambda: lifecycle.reject(ctx.session, ctx.core, tk, ctx.actor, reason),
            "reject_ok",
            code=tk.code,
        )


async def note(ctx: Ctx, arg: str) -> None:
    """/note CODE <text>: an internal note, never sent to the business."""
    if not require_staff(ctx):
        return
    ticket, text = await _ticket_and_rest(ctx, arg)
    if ticket is not None:
        tk = ticket
        await _run(ctx, lambda: lifecycle.note(ctx.session, ctx.core, tk, ctx.actor, text), "note_ok", code=tk.code)


# -- buttons and follow-up messages -------------------------------------------------------------------
PROMPTS = {"ask": "prompt_ask", "answer": "prompt_answer", "extend": "prompt_extend"}


def _agency_rows(ctx: Ctx, action: str, code: str, *, leave_out: str | None = None) -> list[list[Button]]:
    """One button per agency, `action:CODE:agency_id` (transfer and assign pick the receiving agency)."""
    return [[Button(a.name, f"{action}:{code}:{a.id}")] for a in ctx.core.rules.agencies if a.id != leave_out]


def _refuse_press(ctx: Ctx, ticket: Ticket, action: str) -> None:
    """A card button whose action the ticket's state no longer allows: say so, and offer what is left."""
    text = V(
        "card_btn_refused",
        code=ticket.code,
        state=state_label(ticket.state),
        action=V(f"card_btn_{action}"),
        **ticket_words(ticket.kind),
    )
    if card_buttons_for(ticket.state):
        ctx.reply(f"{text}\n{V('card_btn_left')}", officer_buttons(ticket))
    else:
        ctx.reply(f"{text}\n{V('card_btn_none_left', code=ticket.code)}")


async def button(ctx: Ctx, payload: str) -> None:
    """take:/ask:/answer:/transfer:/extend:/assign: buttons on a ticket card; every press is answered."""
    if not require_staff(ctx):
        return
    action, _, rest = payload.partition(":")
    code, _, extra = rest.partition(":")
    ticket = await lifecycle.get_ticket(ctx.session, code)
    if ticket is None:
        ctx.reply(V("off_unknown_code", code=code[:20]))
        return
    allowed = can_assign(ctx.actor) if action == "assign" else can_act(ctx.actor, ticket)
    if not allowed:
        ctx.reply(V("err_forbidden", agency=agency_label(ctx.core, ticket.agency_id)))
        return
    if not allows(CARD_ACTIONS[action], ticket.state):
        _refuse_press(ctx, ticket, action)
        return
    if action == "take":
        await take(ctx, code)
    elif action in {"transfer", "assign"} and not extra:
        leave_out = ticket.agency_id if action == "transfer" else None
        ctx.reply(V(f"prompt_{action}_agency", code=code), _agency_rows(ctx, action, code, leave_out=leave_out))
    elif action == "transfer":
        await ctx.set_dialog("officer_transfer", {"code": code, "agency": extra})
        ctx.reply(V("prompt_transfer_reason", code=code, agency=agency_label(ctx.core, extra)))
    elif action == "assign":
        tk = ticket
        await _run(
            ctx,
            lambda: lifecycle.assign(ctx.session, ctx.core, tk, ctx.actor, extra),
            "assign_ok",
            code=code,
            agency=agency_label(ctx.core, extra),
        )
    elif action == "answer" and ticket.kind == "kien_nghi":
        await ctx.set_dialog("officer_outcome", {"code": code})
        ctx.reply(V("prompt_outcome", code=code), OUTCOME_BUTTONS)
    else:
        await ctx.set_dialog(f"officer_{action}", {"code": code})
        ctx.reply(V(PROMPTS[action], code=code, limit=ctx.core.rules.sla.extension_max))


async def dialog_step(ctx: Ctx, step: str, data: dict[str, Any]) -> None:
    """The officer's next message after pressing a card button."""
    code = str(data.get("code", ""))
    text = ctx.msg.text.strip()
    if step == "officer_outcome":
        if ctx.msg.button and ctx.msg.button.startswith("outcome:"):
            await ctx.set_dialog("officer_answer", {"code": code, "outcome": ctx.msg.button.split(":", 1)[1]})
            ctx.reply(V("prompt_answer", code=code))
        else:
            ctx.reply(V("prompt_outcome", code=code), OUTCOME_BUTTONS)
        return
    if not text:
        ctx.reply(V("off_need_text"))
        return
    await ctx.clear_dialog()
    if step == "officer_ask":
        await ask(ctx, f"{code} {text}")
    elif step == "officer_answer":
        outcome = data.get("outcome")
        await resolve(ctx, f"{code} {outcome} {text}" if outcome else f"{code} {text}")
    elif step == "officer_transfer":
        await transfer(ctx, f"{code} {data.get('agency')} {text}")
    elif step == "officer_extend":
        await extend(ctx, f"{code} {text}")


async def group_text(ctx: Ctx) -> None:
    """Plain text in an agency group: a note inside a ticket's topic, an answer when replying to a card."""
    if ctx.officer is None or not is_staff(ctx.actor) or not ctx.msg.text.strip():
        return
    ticket = await thread_ticket(ctx)
    if ticket is None:
        return
    if ctx.msg.thread_id:
        try:
            await lifecycle.note(ctx.session, ctx.core, ticket, ctx.actor, ctx.msg.text)
        except LifecycleError:
            return
        return
    await reply(ctx, f"{ticket.code} {ctx.msg.text.strip()}")
