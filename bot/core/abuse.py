"""Abuse controls: a per-sender message rate limit, and throttling of invite and link code guessing."""

from __future__ import annotations

import logging
import math
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.channels.base import Incoming
from storage.abuse import (
    CODE_THROTTLED,
    CODE_WRONG,
    RATE_LIMITED,
    add_dropped,
    count_message,
    log_abuse,
    wrong_codes_since,
)
from storage.models import Identity

log = logging.getLogger(__name__)

RATE_WINDOW = timedelta(minutes=1)
CODE_ATTEMPTS = 5  # wrong codes ...
CODE_WINDOW = timedelta(minutes=15)  # ... within this long from one user or chat: further attempts are refused


async def over_rate(session: AsyncSession, identity: Identity, now: datetime, limit: int) -> tuple[int, int]:
    """Count a business's message against `limit` messages a minute (0: no limit). Returns how many messages
    over the limit this one is in the current window (0 lets it through, 1 is the first refused: the sender
    is told once, 2 and more are dropped silently) and the seconds until the window ends. The count lives in
    the database, so every replica counts the same sender together."""
    if limit <= 0:
        return 0, 0
    count, window_at = await count_message(session, identity.id, now, now - RATE_WINDOW)
    excess = max(0, count - limit)
    if excess == 1:
        log_abuse(session, RATE_LIMITED, identity.channel, identity.user_id, identity.chat_id, window_at)
        log.warning("rate limit: %s user %s sent more than %d messages in a minute", identity.channel,
                    identity.user_id, limit)  # fmt: skip
    elif excess > 1:
        await add_dropped(session, identity.channel, identity.user_id, window_at)
    return excess, max(1, math.ceil((window_at + RATE_WINDOW - now).total_seconds()))


async def code_wait_minutes(session: AsyncSession, who: Incoming, kind: str, now: datetime) -> int:
    """Minutes this user or chat must wait before typing an invite or link code again (0: it may now).
    A refused attempt is logged and counted, but does not prolong the wait."""
    recent = await wrong_codes_since(session, who.channel, who.user_id, who.chat_id, now - CODE_WINDOW)
    if len(recent) < CODE_ATTEMPTS:
        return 0
    log_abuse(session, CODE_THROTTLED, who.channel, who.user_id, who.chat_id, now)
    log.warning("%s code refused: %s user %s (chat %s) typed %d wrong codes in %d minutes", kind, who.channel,
                who.user_id, who.chat_id, len(recent), CODE_WINDOW.seconds // 60)  # fmt: skip
    frees_at = recent[CODE_ATTEMPTS - 1] + CODE_WINDOW  # when fewer than CODE_ATTEMPTS remain in the window
    return max(1, math.ceil((frees_at - now).total_seconds() / 60))


def wrong_code(session: AsyncSession, who: Incoming, kind: str, now: datetime) -> None:
    """Log a wrong, used or expired invite or link code (never the code itself)."""
    log_abuse(session, CODE_WRONG, who.channel, who.user_id, who.chat_id, now)
    log.info("wrong %s code from %s user %s (chat %s)", kind, who.channel, who.user_id, who.chat_id)
