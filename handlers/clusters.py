"""/clusters (recurring problems) and /reply to many items at once: each business answered on its own."""

from __future__ import annotations

from datetime import datetime, time
from functools import partial

from bot.core import lifecycle
from bot.core.authz import OFFICER_ROLES, can_act
from bot.core.clock import TZ
from bot.core.clusters import CLUSTER_ID_RE, DEFAULT_WINDOW, find_clusters, render_cluster
from bot.core.codes import normalize_code
from bot.core.fmt import fmt_date, parse_date
from bot.core.lifecycle import LifecycleError
from bot.core.notify import agency_label
from handlers import officer
from handlers.context import Ctx, refusal
from handlers.officer import V
from storage import analytics

SHOWN = 10


def _own_agency(ctx: Ctx) -> str | None:
    """Officers and heads see (and answer) their agency's items; the coordinator and admins all."""
    return ctx.actor.agency_id if ctx.actor.role in OFFICER_ROLES else None


async def clusters(ctx: Ctx, arg: str) -> None:
    """/clusters [YYYY-MM-DD]: groups of similar items received since that day (default 90 days) or still open."""
    if not officer.require_staff(ctx):
        return
    now = ctx.core.now()
    since = now - DEFAULT_WINDOW
    if arg.strip():
        try:
            since = datetime.combine(parse_date(arg), time(0), tzinfo=TZ)
        except ValueError:
            ctx.reply(V("agency_clusters_usage", days=DEFAULT_WINDOW.days))
            return
    found = await find_clusters(ctx.session, ctx.core, since=since, until=now, agency_id=_own_agency(ctx))
    if not found:
        ctx.reply(V("agency_clusters_none", since=fmt_date(since)))
        return
    parts = [V("agency_clusters_title", n=len(found), since=fmt_date(since))]
    for cluster in found[:SHOWN]:
        await analytics.remember_cluster(ctx.session, cluster.id, cluster.codes, now)
        parts.append(render_cluster(ctx.core, cluster))
    if len(found) > SHOWN:
        parts.append(V("agency_clusters_more", n=len(found) - SHOWN))
    parts.append(V("agency_clusters_hint"))
    ctx.reply("\n\n".join(parts))


def _leading_codes(ctx: Ctx, arg: str) -> tuple[list[str], str]:
    """The tracking codes at the start of `arg` (in order, without repeats) and the text after them."""
    codes: list[str] = []
    rest = arg.strip()
    while rest:
        head, _, tail = rest.partition(" ")
        code = normalize_code(head.rstrip(",;"), ctx.core.prefix)
        if code is None:
            break
        if code not in codes:
            codes.append(code)
        rest = tail.strip()
    return codes, rest


async def reply(ctx: Ctx, arg: str) -> None:
    """/reply CODE <text>; /reply CODE CODE … <text> or /reply <cluster id> <text> answers each item separately."""
    head, _, tail = arg.strip().partition(" ")
    cluster_id = head.upper() if CLUSTER_ID_RE.match(head) else None
    codes, text = _leading_codes(ctx, arg)
    if cluster_id is None and len(codes) < 2:
        await officer.reply(ctx, arg)
        return
    if not officer.require_staff(ctx):
        return
    if cluster_id is not None:
        text = tail.strip()
        remembered = await analytics.remembered_cluster(ctx.session, cluster_id)
        if remembered is None:
            ctx.reply(V("agency_cluster_unknown", id=cluster_id))
            return
        codes = remembered
    await reply_many(ctx, codes, text, cluster_id)


async def reply_many(ctx: Ctx, codes: list[str], text: str, cluster_id: str | None = None) -> None:
    """The same answer to each ticket, a message and a history entry each; other agencies' tickets refused."""
    if not text.strip():
        ctx.reply(V("err_answer_required"))
        return
    sent: list[str] = []
    unknown: list[str] = []
    forbidden: list[str] = []
    refused: list[str] = []
    for code in codes:
        ticket = await lifecycle.get_ticket(ctx.session, code)
        if ticket is None:
            unknown.append(code)
            continue
        if not can_act(ctx.actor, ticket):
            forbidden.append(f"{code} ({agency_label(ctx.core, ticket.agency_id)})")
            continue
        err = await ctx.attempt(
            partial(lifecycle.reply, ctx.session, ctx.core, ticket, ctx.actor, text, group=codes, cluster=cluster_id)
        )
        if isinstance(err, LifecycleError):
            refused.append(f"{code}: {refusal(ctx.core, err, 'vi')}")
        else:
            sent.append(code)
    lines = [V("agency_reply_many_sent", n=len(sent), codes=", ".join(sent)) if sent else V("agency_reply_many_none")]
    if forbidden:
        lines.append(V("agency_reply_many_forbidden", n=len(forbidden), items="; ".join(forbidden)))
    if refused:
        lines.append(V("agency_reply_many_refused", n=len(refused), items="; ".join(refused)))
    if unknown:
        lines.append(V("agency_reply_many_unknown", codes=", ".join(unknown)))
    ctx.reply("\n".join(lines))
