"""The outbox sender: delivers pending rows through their channel, once, with backoff and claim leases."""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Mapping
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.channels.base import Channel, Delivery, Outgoing, SendResult
from bot.core.clock import now_utc
from storage.models import Identity, OutboxMessage

log = logging.getLogger(__name__)

CLAIM_SECONDS = 60
MAX_ATTEMPTS = 12


def backoff(attempts: int) -> float:
    """Seconds before the next try after `attempts` transient failures (1, 2, 4 … capped at 5 min)."""
    return float(min(300, 2 ** max(0, attempts - 1)))


class OutboxSender:
    """Claims due rows, hands them to their channel and records the outcome."""

    def __init__(
        self,
        maker: async_sessionmaker[AsyncSession],
        channels: Mapping[str, Channel],
        batch: int = 50,
        idle_seconds: float = 1.0,
    ) -> None:
        self.maker = maker
        self.channels = channels
        self.batch = batch
        self.idle_seconds = idle_seconds
        self.holder = f"{os.getpid()}"
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._stopping = False

    def wake(self) -> None:
        """Ask the loop to look for new rows now."""
        self._wake.set()

    async def _claim(self, now: datetime) -> list[OutboxMessage]:
        async with self.maker() as session, session.begin():
            due = or_(
                (OutboxMessage.state == "pending") & (OutboxMessage.next_attempt_at <= now),
                # a claim older than its lease: the claimer died before recording a result
                (OutboxMessage.state == "sending") & (OutboxMessage.next_attempt_at <= now),
            )
            rows = (
                (
                    await session.execute(
                        select(OutboxMessage)
                        .where(due, OutboxMessage.channel.in_(list(self.channels)))
                        .order_by(OutboxMessage.id)
                        .limit(self.batch)
                    )
                )
                .scalars()
                .all()
            )
            claimed = []
            for row in rows:
                result = await session.execute(
                    update(OutboxMessage)
                    .where(
                        OutboxMessage.id == row.id,
                        OutboxMessage.state == row.state,
                        OutboxMessage.next_attempt_at == row.next_attempt_at,
                    )
                    .values(state="sending", next_attempt_at=now + timedelta(seconds=CLAIM_SECONDS))
                )
                if getattr(result, "rowcount", 0) == 1:
                    claimed.append(row)
            return claimed

    async def _record(self, row: OutboxMessage, result: SendResult) -> None:
        now = now_utc()
        async with self.maker() as session, session.begin():
            values: dict[str, object]
            if result.ok:
                values = {
                    "state": "sent",
                    "sent_at": now,
                    "platform_message_id": result.message_id,
                    "attempts": row.attempts + 1,
                    "last_error": None,
                }
            elif result.permanent or row.attempts + 1 >= MAX_ATTEMPTS:
                values = {"state": "failed", "attempts": row.attempts + 1, "last_error": result.error}
                if row.identity_id is not None and row.audience == "business":
                    await session.execute(
                        update(Identity)
                        .where(Identity.id == row.identity_id)
                        .values(unreachable=True, unreachable_reason=result.error)
                    )
            else:
                wait = result.retry_after if result.retry_after is not None else backoff(row.attempts + 1)
                values = {
                    "state": "pending",
                    "attempts": row.attempts + (0 if result.retry_after else 1),
                    "next_attempt_at": now + timedelta(seconds=wait),
                    "last_error": result.error,
                }
            await session.execute(update(OutboxMessage).where(OutboxMessage.id == row.id).values(**values))

    async def run_once(self) -> int:
        """Deliver every due row once; returns how many were attempted."""
        rows = await self._claim(now_utc())
        for row in rows:
            channel = self.channels[row.channel]
            target = Delivery(
                outbox_id=row.id,
                chat_id=row.chat_id,
                audience=row.audience,
                thread_id=row.thread_id,
                ticket_id=row.ticket_id,
                agency_id=row.agency_id,
            )
            try:
                result = await channel.deliver(target, Outgoing.from_payload(row.payload))
            except Exception as exc:  # a channel bug must not stop delivery of other rows
                log.exception("delivery of outbox row %s failed", row.id)
                result = SendResult(ok=False, error=f"{type(exc).__name__}: {exc}")
            await self._record(row, result)
        return len(rows)

    async def drain(self, rounds: int = 100) -> None:
        """Deliver until nothing is immediately due (tests and the console)."""
        for _ in range(rounds):
            if await self.run_once() == 0:
                return

    async def _loop(self) -> None:
        while not self._stopping:
            try:
                count = await self.run_once()
            except Exception:
                log.exception("outbox sweep failed")
                count = 0
            if count == 0:
                self._wake.clear()
                try:
                    await asyncio.wait_for(self._wake.wait(), timeout=self.idle_seconds)
                except TimeoutError:
                    pass

    def start(self) -> None:
        """Run the delivery loop in the background."""
        self._stopping = False
        self._task = asyncio.create_task(self._loop(), name="outbox-sender")

    async def stop(self) -> None:
        """Stop the loop after the current batch."""
        self._stopping = True
        self._wake.set()
        if self._task is not None:
            await self._task
            self._task = None
