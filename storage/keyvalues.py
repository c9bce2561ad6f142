"""Key/value rows (settings, heartbeats, claims): written with a statement that is always sent, dropped."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import KeyValue


async def put_value(session: AsyncSession, key: str, value: dict[str, Any], now: datetime) -> None:
    """Write a key/value row; an UPDATE statement is always sent (an ORM change to an equal value would be
    skipped), so the transaction holds SQLite's write lock from here on."""
    result = await session.execute(update(KeyValue).where(KeyValue.key == key).values(value=value, updated_at=now))
    if getattr(result, "rowcount", 0) == 0:
        session.add(KeyValue(key=key, value=value, updated_at=now))
        await session.flush()


async def drop_value(session: AsyncSession, key: str) -> None:
    """Remove a key/value row if it exists."""
    row = await session.get(KeyValue, key)
    if row is not None:
        await session.delete(row)
