"""Queries of the analytics: the tickets grouped into clusters of similar items, and the clusters shown."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import KeyValue, Ticket


@dataclass(frozen=True, slots=True)
class Candidate:
    """The columns of a ticket that the clusters read: a plain row, since a million-ticket digest loads 6,500
    of them and mapped Ticket objects took most of the query's time (0.25 s of 0.27 s)."""

    id: int
    code: str
    kind: str
    state: str
    topic_id: str | None
    agency_id: str
    commune_code: str | None
    text: str
    created_at: datetime
    confidential: bool
    contact_name: str | None
    contact_phone: str | None
    company: str | None
    publish_company: bool
    tax_code: str | None


_CANDIDATE_COLUMNS = [getattr(Ticket, name) for name in Candidate.__dataclass_fields__]


async def cluster_candidates(
    session: AsyncSession,
    open_states: Collection[str],
    since: datetime,
    until: datetime,
    per_topic: int,
    topic_ids: Iterable[str | None],
) -> list[Candidate]:
    """Tickets of these topics (None: not routed) received before `until` that are still open or were received
    since `since`, oldest first: the `per_topic` most recent of each topic.

    One index walk per topic, newest first, stopping at `per_topic` (ix_tickets_topic_created). A window
    function over all candidates sorted some 70,000 rows of a million tickets where 6,500 were kept, and
    PostgreSQL then hashed the whole table to join them back: 0.55 s in bench/bench_digest.py, this one 0.1 s.
    """
    recent = or_(Ticket.created_at >= since, Ticket.state.in_(sorted(open_states)))
    newest_first = (Ticket.created_at.desc(), Ticket.id.desc())
    per_topic_queries = [
        select(Ticket.id)
        .where(Ticket.topic_id.is_(None) if topic_id is None else Ticket.topic_id == topic_id)
        .where(Ticket.created_at < until, recent)
        .order_by(*newest_first)
        .limit(per_topic)
        .subquery()
        for topic_id in dict.fromkeys(topic_ids)
    ]
    if not per_topic_queries:
        return []
    chosen = union_all(*(select(q.c.id) for q in per_topic_queries)).subquery()
    query = select(*_CANDIDATE_COLUMNS).where(Ticket.id.in_(select(chosen.c.id))).order_by(Ticket.created_at, Ticket.id)
    return [Candidate(*row) for row in await session.execute(query)]


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
