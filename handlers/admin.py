"""Admins and the coordinator: invites, binding chats, agencies, officers, triage assignment, overview."""

from __future__ import annotations

from datetime import timedelta

from bot.core import lifecycle
from bot.core.authz import can_administer, can_assign
from bot.core.codes import new_secret_code, normalize_code
from bot.core.commands import group_menu, menu_audience
from bot.core.fmt import fmt_date, fmt_int
from bot.core.lifecycle import OPEN_STATES, LifecycleError
from bot.core.notify import WORKING_GROUP_KEY, agency_label
from bot.core.states import state_label
from handlers.context import Ctx
from handlers.officer import V
from storage.models import Agency, Invite, KeyValue
from storage.officers import active_officers, all_agencies
from storage.outbox import release_held
from storage.tickets import overdue_tickets, ticket_counts

INVITE_DAYS = 7


def _require_admin(ctx: Ctx) -> bool:
    if can_administer(ctx.actor):
        return True
    ctx.reply(V("admin_only"))
    return False


async def invite(ctx: Ctx, arg: str) -> None:
    """/invite <agency_id> [officer|head|coordinator]: a one-time code to forward to the new officer."""
    if not _require_admin(ctx):
        return
    parts = arg.split()
    role = parts[1].lower() if len(parts) > 1 else "officer"
    if not parts or parts[0] not in ctx.core.rules.agencies_by_id or role not in {"officer", "head", "coordinator"}:
        ctx.reply(V("invite_usage"))
        return
    now = ctx.core.now()
    code = new_secret_code()
    ctx.session.add(
        Invite(
            code=code,
            agency_id=parts[0],
            role=role,
            created_by=ctx.actor.officer_id,
            created_at=now,
            expires_at=now + timedelta(days=INVITE_DAYS),
        )
    )
    ctx.reply(V("invite_ok", agency=agency_label(ctx.core, parts[0]), days=INVITE_DAYS, code=code))


async def bindagency(ctx: Ctx, arg: str) -> None:
    """/bindagency <agency_id>: make this group the agency's inbox."""
    if not _require_admin(ctx):
        return
    agency = await ctx.session.get(Agency, arg.strip()) if arg.strip() else None
    if agency is None:
        ctx.reply(V("bind_usage"))
        return
    if not ctx.msg.is_group:
        ctx.reply(V("bind_group_only"))
        return
    agency.group_channel, agency.group_chat_id = ctx.msg.channel, ctx.msg.chat_id
    agency.group_is_forum = bool(ctx.msg.extras.get("is_forum", False))
    released = await release_held(ctx.session, channel=ctx.msg.channel, chat_id=ctx.msg.chat_id, agency_id=agency.id)
    chat_menu = menu_audience(group_menu(agency.id, ctx.core.coordinator_agency))  # the officers' commands
    ctx.reply(V("bind_ok", agency=agency.name, held=released), audience=chat_menu)


async def bindworkinggroup(ctx: Ctx, _arg: str) -> None:
    """/bindworkinggroup: make this group the PCI working group's chat."""
    if not _require_admin(ctx):
        return
    if not ctx.msg.is_group:
        ctx.reply(V("bind_group_only"))
        return
    row = await ctx.session.get(KeyValue, WORKING_GROUP_KEY)
    value = {"channel": ctx.msg.channel, "chat_id": ctx.msg.chat_id}
    if row is None:
        ctx.session.add(KeyValue(key=WORKING_GROUP_KEY, value=value, updated_at=ctx.core.now()))
    else:
        row.value, row.updated_at = value, ctx.core.now()
    released = await release_held(ctx.session, channel=ctx.msg.channel, chat_id=ctx.msg.chat_id, agency_id=None)
    ctx.reply(V("bind_wg_ok", held=released), audience=menu_audience(group_menu(None, ctx.core.coordinator_agency)))


async def agencies(ctx: Ctx, _arg: str) -> None:
    """/agencies: every agency, its id, bound group and open tickets."""
    if not _require_admin(ctx):
        return
    counts = await ticket_counts(ctx.session, "agency_id", OPEN_STATES)
    lines = [V("agencies_title")]
    for a in await all_agencies(ctx.session):
        bound = "✅" if a.group_chat_id else "—"
        lines.append(f"{bound} {a.id} — {a.name} ({fmt_int(int(counts.get(a.id, 0)))} đang mở)")
    ctx.reply("\n".join(lines))


async def officers(ctx: Ctx, arg: str) -> None:
    """/officers [agency_id]: who may act for which agency."""
    if not _require_admin(ctx):
        return
    rows = await active_officers(ctx.session, arg.strip() or None)
    if not rows:
        ctx.reply(V("officers_none"))
        return
    roles = {"officer": "cán bộ", "head": "lãnh đạo", "coordinator": "điều phối", "admin": "quản trị"}
    ctx.reply(
        "\n".join(
            [V("officers_title")]
            + [f"• {o.display_name or o.user_id} — {roles.get(o.role, o.role)} — {o.agency_id or '—'}" for o in rows]
        )
    )


async def assign(ctx: Ctx, arg: str) -> None:
    """/assign CODE <agency_id> [topic_id]: send a triage item to an agency."""
    if not can_assign(ctx.actor):
        ctx.reply(V("admin_only"))
        return
    parts = arg.split()
    code = normalize_code(parts[0], ctx.core.prefix) if parts else None
    if len(parts) < 2:
        ctx.reply(V("assign_usage"))
        return
    if code is None:
        ctx.reply(V("off_bad_code", code=parts[0][:20]))
        return
    ticket = await lifecycle.get_ticket(ctx.session, code)
    if ticket is None:
        ctx.reply(V("off_unknown_code", code=code))
        return
    topic = parts[2] if len(parts) > 2 else None
    err = await ctx.attempt(lambda: lifecycle.assign(ctx.session, ctx.core, ticket, ctx.actor, parts[1], topic))
    if isinstance(err, LifecycleError):
        ctx.refuse(err, "vi")
        return
    ctx.reply(V("assign_ok", code=code, agency=agency_label(ctx.core, parts[1])))


async def overdue(ctx: Ctx, _arg: str) -> None:
    """/overdue: open tickets past their answer deadline, oldest first."""
    if not _require_admin(ctx):
        return
    now = ctx.core.now()
    rows = await overdue_tickets(ctx.session, OPEN_STATES - {"awaiting_info"}, now)
    if not rows:
        ctx.reply(V("overdue_none"))
        return
    lines = [V("overdue_title", n=len(rows))]
    for tk in rows:
        late = ctx.core.calendar.working_days_between(tk.answer_due_at, now)
        lines.append(
            f"• {tk.code} — {agency_label(ctx.core, tk.agency_id)} — hạn {fmt_date(tk.answer_due_at)} "
            f"(quá {late} ngày làm việc)"
        )
    ctx.reply("\n".join(lines))


async def stats(ctx: Ctx, _arg: str) -> None:
    """/stats: tickets by state."""
    if not _require_admin(ctx):
        return
    counts = await ticket_counts(ctx.session, "state")
    total = sum(int(v) for v in counts.values())
    lines = [V("stats_title", total=fmt_int(total))]
    lines += [f"• {state_label(s)}: {fmt_int(int(n))}" for s, n in sorted(counts.items())]
    ctx.reply("\n".join(lines))
