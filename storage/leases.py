"""Lease rows: take or renew one, give it up."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, or_, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Lease


async def renew_or_take_expired(
    session: AsyncSession, name: str, holder: str, now: datetime, expires: datetime
) -> bool:
    """The lease row is now `holder`'s until `expires` if it was theirs already or had expired."""
    result = await session.execute(
        update(Lease)
        .where(Lease.name == name, or_(Lease.holder == holder, Lease.expires_at < now))
        .values(holder=holder, expires_at=expires)
    )
    return getattr(result, "rowcount", 0) == 1


async def release(session: AsyncSession, name: str, holder: str) -> None:
    """Drop the lease row if `holder` has it."""
    await session.execute(delete(Lease).where(Lease.name == name, Lease.holder == holder))
