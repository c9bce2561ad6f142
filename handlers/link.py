"""/link: a one-time code joins a business's identities on several channels (Zalo, Telegram) into one person."""

from __future__ import annotations

from datetime import timedelta

from bot.channels.base import Outgoing
from bot.core import abuse, notify
from bot.core.codes import new_secret_code
from bot.core.i18n import t
from handlers.context import Ctx
from storage.businesses import merge_persons
from storage.models import Identity, LinkCode

LINK_MINUTES = 30


async def link(ctx: Ctx, arg: str) -> None:
    """/link: get a code; /link CODE (on the other channel): link both identities, each then sees all tickets."""
    identity = ctx.identity
    if identity is None:  # group chats have no business identity
        return
    now = ctx.core.now()
    code = arg.strip().upper()
    if not code:
        fresh = LinkCode(
            code=new_secret_code(8), identity_id=identity.id, expires_at=now + timedelta(minutes=LINK_MINUTES)
        )
        ctx.session.add(fresh)
        ctx.say("link_code", code=fresh.code, minutes=LINK_MINUTES)
        return
    wait = await abuse.code_wait_minutes(ctx.session, ctx.msg, "link", now)
    if wait:
        ctx.say("code_throttled", minutes=wait)
        return
    row = await ctx.session.get(LinkCode, code)
    if row is None or row.used_at is not None or row.expires_at < now:
        abuse.wrong_code(ctx.session, ctx.msg, "link", now)
        ctx.say("link_invalid")
        return
    if row.identity_id == identity.id:
        ctx.say("link_same")
        return
    other = await ctx.session.get(Identity, row.identity_id)
    assert other is not None
    row.used_at = now
    person = other.person_id or identity.person_id or other.id
    earlier = {p for p in (other.person_id, identity.person_id) if p is not None}
    for merged in earlier - {person}:  # two groups become one
        await merge_persons(ctx.session, merged, person)
    other.person_id = identity.person_id = person
    ctx.say("link_ok")
    notify.enqueue(
        ctx.session,
        now,
        channel=other.channel,
        chat_id=other.chat_id,
        audience="business",
        message=Outgoing(t("link_ok", other.language or "vi")),
        identity_id=other.id,
    )
