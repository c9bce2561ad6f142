"""Processed event ids: recording which inbound events were handled (dedupe of redeliveries)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import cast

from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import for_session, per_dialect
from storage.models import ProcessedEvent

# a Core insert on the table: values passed with an ORM entity's insert would make it an ORM bulk insert
_EVENTS = cast(Table, ProcessedEvent.__table__)
_RECORD_EVENTS = per_dialect(
    lambda insert: insert(_EVENTS).on_conflict_do_nothing().returning(_EVENTS.c.channel, _EVENTS.c.event_id)
)


async def record_events(session: AsyncSession, keys: Iterable[tuple[str, str]], now: datetime) -> set[tuple[str, str]]:
    """Record several (channel, event id) pairs in one statement; the ones that were new."""
    values = [{"channel": c, "event_id": e, "processed_at": now} for c, e in dict.fromkeys(keys)]
    if not values:
        return set()
    stmt = for_session(session, _RECORD_EVENTS)
    return {(c, e) for c, e in await session.execute(stmt, values)}
