"""Queries of the analytics: the tickets grouped into clusters of similar items, and the clusters shown."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import load_only

from storage.models import KeyValue, Ticket

_CLUSTER_FIELDS = (
    Ticket.id,
    Ticket.code,
    Ticket.kind,
    Ticket.state,
    Ticket.topic_id,
    Ticket.agency_id,
    Ticket.commune_code,
    Ticket.text,
    Ticket.created_at,
    Ticket.confidential,
    Ticket.contact_name,
    Ticket.contact_phone,
    Ticket.company,
    Ticket.publish_company,
    Ticket.tax_code,
)


async def cluster_candidates(
    session: AsyncSession, open_states: Collection[str], since: datetime, until: datetime, per_topic: int
) -> Sequence[Ticket]:
    """Tickets received before `until` that are still open or were received since `since`, oldest first:
    the `per_topic` most recent of each topic."""
    recency = (
        func.row_number()
        .over(partition_by=Ticket.topic_id, order_by=(Ticket.created_at.desc(), Ticket.id.desc()))
        .label("recency")
    )
    candidates = (
        select(Ticket.id, recency)
        .where(
            Ticket.created_at < until,
            or_(Ticket.created_at >= since, Ticket.state.in_(sorted(open_states))),
        )
        .subquery()
    )
    query = (
        select(Ticket)
        .options(load_only(*_CLUSTER_FIELDS))
        .join(candidates, candidates.c.id == Ticket.id)
        .where(candidates.c.recency <= per_topic)
        .order_by(Ticket.created_at, Ticket.id)
    )
    return (await session.execute(query)).scalars().all()


def _cluster_key(cluster_id: str) -> str:
    return f"cluster:{cluster_id}"


async def remember_cluster(session: AsyncSession, cluster_id: str, codes: Sequence[str], now: datetime) -> None:
    """Keep which codes a cluster id named when it was shown, so that `/reply <id>` answers exactly those."""
    row = await session.get(KeyValue, _cluster_key(cluster_id))
    if row is None:
        session.add(KeyValue(key=_cluster_key(cluster_id), value={"codes": list(codes)}, updated_at=now))
        await session.flush()  # a second showing in the same transaction finds it
    else:
        row.updated_at = now


async def remembered_cluster(session: AsyncSession, cluster_id: str) -> list[str] | None:
    """The codes a cluster id was shown with, or None if it was never shown."""
    row = await session.get(KeyValue, _cluster_key(cluster_id))
    return None if row is None else [str(c) for c in row.value.get("codes", [])]
