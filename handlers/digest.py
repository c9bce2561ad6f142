"""/digest: the weekly digest on demand, for admins and the coordinator, here or in the working group."""

from __future__ import annotations

from bot.core import digest as weekly
from bot.core.authz import can_administer
from bot.core.notify import working_group_chat
from handlers.context import Ctx
from handlers.officer import V

TO_GROUP = {"nhom", "nhóm", "wg", "group"}


async def digest(ctx: Ctx, arg: str) -> None:
    """/digest [YYYY-Www] [nhom]: last complete week by default; "nhom" posts to the working-group chat."""
    if not can_administer(ctx.actor):
        ctx.reply(V("admin_only"))
        return
    words = arg.split()
    to_group = any(w.lower() in TO_GROUP for w in words)
    rest = [w for w in words if w.lower() not in TO_GROUP]
    try:
        week = weekly.Week.parse(rest[0]) if rest else weekly.Week.containing(ctx.core.now()).previous()
    except ValueError:
        ctx.reply(V("agency_digest_usage"))
        return
    if len(rest) > 1:
        ctx.reply(V("agency_digest_usage"))
        return
    built = await weekly.build_digest(ctx.session, ctx.core, week)
    if not to_group:
        await weekly.post_digest(
            ctx.session, ctx.core, built, chat=(ctx.msg.channel, ctx.msg.chat_id, ctx.msg.thread_id)
        )
        return
    await weekly.post_digest(ctx.session, ctx.core, built)
    bound = await working_group_chat(ctx.session) is not None
    ctx.reply(V("agency_digest_posted_wg" if bound else "agency_digest_held_wg", week=week.label))
