"""/metrics for Prometheus: tickets by state, overdue, outbox depth and failures, scheduler sweep lag.

Values are read from the database at scrape time, so every replica reports the same numbers; the one
exception is the count of inbound updates refused at the channel boundary (bot/channels/boundary.py), a
per-process counter (nothing refused is stored). Sweep lag is read from the scheduler's lease row
(bot/scheduler.py renews it at every sweep and every `ttl/3` between sweeps): the seconds since the lease
holder last renewed it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy.ext.asyncio import AsyncSession

from bot.channels import boundary
from bot.core.lease import DEFAULT_TTL
from bot.core.services import Core
from bot.scheduler import LEASE_NAME
from bot.web.server import APP_KEY
from storage.abuse import CODE_WRONG, RATE_LIMITED, abuse_totals
from storage.models import Lease
from storage.stats import overdue_count
from storage.tickets import ticket_counts
from storage.web_queries import hidden_ticket_count, oldest_pending_at, outbox_counts

STATES = ("triage", "new", "in_progress", "awaiting_info", "resolved", "closed", "rejected")
OUTBOX_STATES = ("pending", "sending", "held", "failed", "sent")


@dataclass
class Snapshot:
    """Everything /metrics reports, read in one database session."""

    tickets: dict[str, int] = field(default_factory=dict)
    overdue: int = 0
    hidden: int = 0
    outbox: dict[str, int] = field(default_factory=dict)
    oldest_pending_seconds: float = 0.0
    lease_renewed_at: datetime | None = None
    now: datetime | None = None
    abuse: dict[tuple[str, str], int] = field(default_factory=dict)  # (kind, channel) → count


async def snapshot(session: AsyncSession, core: Core) -> Snapshot:
    """Read the current numbers."""
    now = core.now()
    snap = Snapshot(now=now)
    snap.tickets = await ticket_counts(session, "state")
    snap.overdue = await overdue_count(session, now)
    snap.hidden = await hidden_ticket_count(session)
    snap.outbox = await outbox_counts(session)
    oldest = await oldest_pending_at(session)
    if oldest is not None:
        snap.oldest_pending_seconds = max(0.0, (now - oldest).total_seconds())
    snap.abuse = await abuse_totals(session)
    lease = await session.get(Lease, LEASE_NAME)
    if lease is not None:
        snap.lease_renewed_at = lease.expires_at - DEFAULT_TTL
    return snap


class SnapshotCollector(Collector):
    """Turns a Snapshot into Prometheus metric families."""

    def __init__(self, snap: Snapshot) -> None:
        self.snap = snap

    def collect(self) -> Iterator[GaugeMetricFamily]:
        snap = self.snap
        tickets = GaugeMetricFamily("pcibot_tickets", "Tickets by state (hidden ones included).", labels=["state"])
        for state in STATES:
            tickets.add_metric([state], snap.tickets.get(state, 0))
        yield tickets
        yield GaugeMetricFamily(
            "pcibot_tickets_overdue", "Open tickets past their answer deadline (not paused).", value=snap.overdue
        )
        yield GaugeMetricFamily("pcibot_tickets_hidden", "Tickets hidden from public view.", value=snap.hidden)
        outbox = GaugeMetricFamily("pcibot_outbox_messages", "Outbox rows by state.", labels=["state"])
        for state in OUTBOX_STATES:
            outbox.add_metric([state], snap.outbox.get(state, 0))
        yield outbox
        yield GaugeMetricFamily(
            "pcibot_outbox_depth",
            "Messages waiting to be delivered (pending, sending, or held for an unbound chat).",
            value=sum(snap.outbox.get(s, 0) for s in ("pending", "sending", "held")),
        )
        yield GaugeMetricFamily(
            "pcibot_outbox_failed", "Messages that failed permanently.", value=snap.outbox.get("failed", 0)
        )
        yield GaugeMetricFamily(
            "pcibot_outbox_oldest_pending_seconds",
            "Age of the oldest pending message.",
            value=snap.oldest_pending_seconds,
        )
        limited = GaugeMetricFamily(
            "pcibot_rate_limited_messages",
            "Business messages dropped by PCIBOT_RATE_LIMIT_PER_MINUTE, by channel.",
            labels=["channel"],
        )
        codes = GaugeMetricFamily(
            "pcibot_code_attempts_refused",
            "Invite and link codes refused: wrong (or used, expired), or throttled after too many wrong ones.",
            labels=["channel", "reason"],
        )
        for (kind, channel), count in sorted(snap.abuse.items()):
            if kind == RATE_LIMITED:
                limited.add_metric([channel], count)
            else:
                codes.add_metric([channel, "wrong" if kind == CODE_WRONG else "throttled"], count)
        yield limited
        yield codes
        renewed, now = snap.lease_renewed_at, snap.now
        alive = renewed is not None and now is not None and now < renewed + DEFAULT_TTL
        yield GaugeMetricFamily("pcibot_scheduler_up", "1 when a scheduler holds a live lease.", value=int(alive))
        if renewed is not None and now is not None:
            yield GaugeMetricFamily(
                "pcibot_sweep_lag_seconds",
                "Seconds since the scheduler last swept or renewed its lease.",
                value=max(0.0, (now - renewed).total_seconds()),
            )


async def metrics(request: web.Request) -> web.Response:
    """The Prometheus text exposition."""
    core = request.app[APP_KEY].core
    async with core.maker() as session:
        snap = await snapshot(session, core)
    registry = CollectorRegistry(auto_describe=False)
    registry.register(SnapshotCollector(snap))
    body = generate_latest(registry) + generate_latest(boundary.REGISTRY)
    return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})


def setup(webapp: web.Application) -> None:
    """Mount /metrics."""
    webapp.router.add_get("/metrics", metrics)
