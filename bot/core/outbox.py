"""The outbox sender: delivers pending rows through their channel, once, with backoff and claim leases."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.channels.base import Channel, Delivery, Outgoing, SendResult
from bot.core import notify
from bot.core.clock import now_utc
from bot.core.i18n import t
from bot.core.states import ticket_words
from bot.core.worker import BatchWorker
from storage import outbox as queue
from storage.models import Identity, OutboxMessage, Ticket

log = logging.getLogger(__name__)

CLAIM_SECONDS = 60
MAX_ATTEMPTS = 12
RECORD_SECONDS = 0.2  # outcomes are committed at least this often (a crash may resend what was sent since)
RECORD_EVERY = 5  # … and at least every this many deliveries: a crash resends at most this many messages
HELD_WINDOW = "held_window"  # undeliverable until the business writes again (Zalo's 7-day window)


def backoff(attempts: int) -> float:
    """Seconds before the next try after `attempts` transient failures (1, 2, 4 … capped at 5 min)."""
    return float(min(300, 2 ** max(0, attempts - 1)))


async def _hold_for_business(session: AsyncSession, row: OutboxMessage, reason: str, now: datetime) -> None:
    """Mark the business unreachable; the ticket's agency hears once per ticket until the business writes again."""
    identity = await session.get(Identity, row.identity_id)
    if identity is None:
        return
    identity.unreachable, identity.unreachable_reason = True, reason[:200]
    ticket = await session.get(Ticket, row.ticket_id) if row.ticket_id is not None else None
    chat = await notify.agency_chat(session, ticket.agency_id) if ticket is not None else None
    if ticket is None or chat is None:
        return
    since = identity.last_inbound_at.timestamp() if identity.last_inbound_at else 0
    key = f"undelivered:{ticket.id}:{identity.id}:{since:.0f}"
    if await queue.dedupe_key_used(session, key):
        return
    notify.enqueue(
        session,
        now,
        channel=chat[0],
        chat_id=chat[1],
        audience="agency",
        message=Outgoing(t("agency_undelivered", "vi", code=ticket.code, reason=reason, **ticket_words(ticket.kind))),
        ticket_id=ticket.id,
        agency_id=ticket.agency_id,
        dedupe_key=key,
    )


async def release_for_sender(session: AsyncSession, channel: str, user_id: str, now: datetime) -> int:
    """The business wrote again: its held messages become due (oldest first, by id)."""
    return await queue.release_for_user(session, HELD_WINDOW, channel, user_id, now)


class OutboxSender(BatchWorker):
    """Claims due rows, hands them to their channel and records the outcome."""

    def __init__(
        self,
        maker: async_sessionmaker[AsyncSession],
        channels: Mapping[str, Channel],
        batch: int = 50,
        idle_seconds: float = 1.0,
        record_seconds: float = RECORD_SECONDS,
        record_every: int = RECORD_EVERY,
    ) -> None:
        super().__init__("outbox-sender", idle_seconds)
        self.maker = maker
        self.channels = channels
        self.batch = batch
        self.record_seconds = record_seconds
        self.record_every = record_every
        self.holder = f"{os.getpid()}"
        self.on_unreachable: Callable[[AsyncSession, OutboxMessage], Awaitable[None]] | None = None

    async def _claim(self, now: datetime) -> list[OutboxMessage]:
        """Take up to `batch` due rows for a claim lease of CLAIM_SECONDS (a row another sender took is not due)."""
        until = now + timedelta(seconds=CLAIM_SECONDS)
        async with self.maker() as session, session.begin():
            return await queue.claim_due(session, self.channels, now, until, self.batch)

    async def _outcome(
        self, session: AsyncSession, row: OutboxMessage, result: SendResult, now: datetime
    ) -> dict[str, object]:
        """The row's new column values after a delivery attempt (and what a lost business entails)."""
        if result.ok:
            return {
                "state": "sent",
                "sent_at": now,
                "platform_message_id": result.message_id,
                "attempts": row.attempts + 1,
                "last_error": None,
            }
        if result.hold and row.identity_id is not None:
            await _hold_for_business(session, row, result.error or "", now)
            return {"state": HELD_WINDOW, "attempts": row.attempts + 1, "last_error": result.error}
        if result.permanent or row.attempts + 1 >= MAX_ATTEMPTS:
            if row.identity_id is not None and row.audience == "business":
                identity = await session.get(Identity, row.identity_id)
                if identity is not None and not identity.unreachable:
                    identity.unreachable = True
                    identity.unreachable_reason = (result.error or "")[:200]
                    if self.on_unreachable is not None:  # tell the agency, once per loss of contact
                        await self.on_unreachable(session, row)
            return {"state": "failed", "attempts": row.attempts + 1, "last_error": result.error}
        wait = result.retry_after if result.retry_after is not None else backoff(row.attempts + 1)
        return {
            "state": "pending",
            "attempts": row.attempts + (0 if result.retry_after else 1),
            "next_attempt_at": now + timedelta(seconds=wait),
            "last_error": result.error,
        }

    async def _record(self, done: list[tuple[OutboxMessage, SendResult]]) -> None:
        """Write the outcomes of several deliveries in one transaction."""
        now = now_utc()
        async with self.maker() as session, session.begin():
            values = [{"id": row.id, **await self._outcome(session, row, result, now)} for row, result in done]
            await queue.record_outcomes(session, values)

    async def run_once(self) -> int:
        """Deliver every due row once; returns how many were attempted.

        Outcomes are written together, at the end of the batch, once the oldest unwritten one is
        `record_seconds` old or once `record_every` are unwritten: one transaction per few deliveries
        instead of one each. A crash between a send and its record sends the row again after its claim
        lapses; the count keeps that to `record_every` messages however fast a burst goes out (Telegram
        lets 30 through in a few milliseconds after a quiet second, so a time bound alone does not).
        """
        rows = await self._claim(now_utc())
        done: list[tuple[OutboxMessage, SendResult]] = []
        oldest = 0.0
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
            if not done:
                oldest = time.monotonic()
            done.append((row, result))
            if len(done) >= self.record_every or time.monotonic() - oldest >= self.record_seconds:
                await self._record(done)
                done = []
        if done:
            await self._record(done)
        return len(rows)
