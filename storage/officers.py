"""Agencies and their officers."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, cast

from sqlalchemy import Table, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import for_session, per_dialect
from storage.models import Agency, Officer

_AGENCIES = cast(Table, Agency.__table__)
_NAMED = ("name", "full_name", "kind")  # what the rules own; the chat bindings belong to the database


def _upsert(insert: Any) -> Any:
    stmt = insert(_AGENCIES)
    return stmt.on_conflict_do_update(index_elements=[_AGENCIES.c.id], set_={c: stmt.excluded[c] for c in _NAMED})


_UPSERT_AGENCIES = per_dialect(_upsert)


async def upsert_agencies(session: AsyncSession, agencies: Iterable[Mapping[str, str]]) -> None:
    """Insert the agencies (id, name, full_name, kind) or rename existing ones, keeping their chat bindings.

    One statement, in id order: replicas starting together on an empty database both run it, and
    `INSERT … ON CONFLICT` lets the second wait for the first instead of failing on the primary key.
    """
    rows: list[dict[str, Any]] = [{**a, "group_is_forum": False} for a in sorted(agencies, key=lambda a: a["id"])]
    if rows:
        await session.execute(for_session(session, _UPSERT_AGENCIES), rows)


async def all_agencies(session: AsyncSession) -> Sequence[Agency]:
    """Every agency, by id."""
    return (await session.execute(select(Agency).order_by(Agency.id))).scalars().all()


async def active_officers(session: AsyncSession, agency_id: str | None = None) -> Sequence[Officer]:
    """Active officers (of one agency, or all), by agency and role."""
    query = select(Officer).where(Officer.active.is_(True)).order_by(Officer.agency_id, Officer.role)
    if agency_id:
        query = query.where(Officer.agency_id == agency_id)
    return (await session.execute(query)).scalars().all()


async def agency_heads(session: AsyncSession, agency_id: str) -> list[Officer]:
    """The agency's active heads that can be written to privately."""
    rows = await session.execute(
        select(Officer).where(
            Officer.agency_id == agency_id,
            Officer.role == "head",
            Officer.active.is_(True),
            Officer.chat_id.is_not(None),
        )
    )
    return list(rows.scalars())
