"""Abuse-control rows: each sender's message window (on identities) and the log of wrong codes and rate limits."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import case, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import AbuseEvent, Identity

CODE_WRONG, CODE_THROTTLED, RATE_LIMITED = "code_wrong", "code_throttled", "rate_limited"


async def count_message(
    session: AsyncSession, identity_id: int, now: datetime, window_floor: datetime
) -> tuple[int, datetime]:
    """Count one message in the sender's window, in one statement (two replicas count the same row): a window
    that began at or before `window_floor` is over and a new one begins now. The count so far and the
    window's start."""
    started = Identity.rate_window_at
    fresh = or_(started.is_(None), started <= window_floor, started > now)
    statement = (
        update(Identity)
        .where(Identity.id == identity_id)
        .values(
            rate_count=case((fresh, 1), else_=Identity.rate_count + 1),
            rate_window_at=case((fresh, now), else_=started),
        )
        .returning(Identity.rate_count, Identity.rate_window_at)
        .execution_options(synchronize_session=False)
    )
    count, began = (await session.execute(statement)).one()
    return int(count), began or now


def log_abuse(session: AsyncSession, kind: str, channel: str, user_id: str, chat_id: str, at: datetime) -> None:
    """Append one row to the abuse log (never the code that was typed)."""
    session.add(AbuseEvent(kind=kind, channel=channel, user_id=user_id, chat_id=chat_id, at=at, count=1))


async def add_dropped(session: AsyncSession, channel: str, user_id: str, window_at: datetime) -> None:
    """One more message dropped in a window already logged as rate limited."""
    await session.execute(
        update(AbuseEvent)
        .where(
            AbuseEvent.kind == RATE_LIMITED,
            AbuseEvent.channel == channel,
            AbuseEvent.user_id == user_id,
            AbuseEvent.at == window_at,
        )
        .values(count=AbuseEvent.count + 1)
        .execution_options(synchronize_session=False)
    )


async def wrong_codes_since(
    session: AsyncSession, channel: str, user_id: str, chat_id: str, since: datetime
) -> list[datetime]:
    """When the wrong codes typed by this user or in this chat after `since` were typed, newest first."""
    rows = await session.execute(
        select(AbuseEvent.at)
        .where(
            AbuseEvent.kind == CODE_WRONG,
            AbuseEvent.channel == channel,
            or_(AbuseEvent.user_id == user_id, AbuseEvent.chat_id == chat_id),
            AbuseEvent.at > since,
        )
        .order_by(AbuseEvent.at.desc())
    )
    return list(rows.scalars())


async def abuse_totals(session: AsyncSession) -> dict[tuple[str, str], int]:
    """For /metrics: (kind, channel) → wrong codes, refused code attempts, or messages dropped by the rate limit."""
    rows = await session.execute(
        select(AbuseEvent.kind, AbuseEvent.channel, func.sum(AbuseEvent.count)).group_by(
            AbuseEvent.kind, AbuseEvent.channel
        )
    )
    return {(kind, channel): int(total) for kind, channel, total in rows}
