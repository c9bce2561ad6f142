"""Inbound event inbox: store a webhook or polled event before acknowledging it, process it from the table."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.clock import now_utc
from bot.core.outbox import backoff
from bot.core.worker import BatchWorker
from storage import delivery
from storage.models import InboundEvent

log = logging.getLogger(__name__)

CLAIM_SECONDS = 60
MAX_ATTEMPTS = 8
Processor = Callable[[dict[str, Any]], Awaitable[None]]


class Inbox(BatchWorker):
    """One channel's inbox. Events of one user are processed in arrival order, across replicas too."""

    def __init__(
        self,
        maker: async_sessionmaker[AsyncSession],
        channel: str,
        process: Processor,
        batch: int = 20,
        idle_seconds: float = 1.0,
    ) -> None:
        super().__init__(f"inbox-{channel}", idle_seconds)
        self.maker = maker
        self.channel = channel
        self.process = process
        self.batch = batch

    async def store(self, event_id: str, user_key: str, payload: dict[str, Any]) -> bool:
        """Persist one event (committed on return); False when this event id was stored before."""
        now = now_utc()
        event_id, user_key = event_id[:100], user_key[:64]
        async with self.maker() as session:
            if await delivery.inbound_event_known(session, self.channel, event_id):
                return False
            session.add(
                InboundEvent(
                    channel=self.channel,
                    event_id=event_id,
                    user_key=user_key,
                    payload=payload,
                    state="pending",
                    attempts=0,
                    next_attempt_at=now,
                    received_at=now,
                )
            )
            try:
                await session.commit()
            except IntegrityError:  # the same event arrived concurrently (Zalo retries)
                return False
        self.wake()
        return True

    async def _claim(self, now: datetime) -> list[InboundEvent]:
        until = now + timedelta(seconds=CLAIM_SECONDS)
        async with self.maker() as session, session.begin():
            return await delivery.claim_inbound_events(session, self.channel, now, self.batch, until)

    async def _finish(self, row: InboundEvent, error: str | None) -> None:
        now = now_utc()
        values: dict[str, object]
        if error is None:
            values = {"state": "done", "processed_at": now, "last_error": None}
        elif row.attempts + 1 >= MAX_ATTEMPTS:
            log.error("%s event %s given up after %d attempts: %s", self.channel, row.event_id, row.attempts + 1, error)
            values = {"state": "failed", "attempts": row.attempts + 1, "last_error": error}
        else:
            values = {
                "state": "pending",
                "attempts": row.attempts + 1,
                "next_attempt_at": now + timedelta(seconds=backoff(row.attempts + 1)),
                "last_error": error,
            }
        async with self.maker() as session, session.begin():
            await delivery.update_inbound_event(session, row.id, **values)

    async def run_once(self) -> int:
        """Process every due event once; returns how many were attempted."""
        rows = await self._claim(now_utc())
        for row in rows:
            error = None
            try:
                await self.process(row.payload)
            except Exception as exc:  # keep the event for a retry; other events go on
                log.exception("%s event %s failed", self.channel, row.event_id)
                error = f"{type(exc).__name__}: {exc}"[:500]
            await self._finish(row, error)
        return len(rows)
