"""Agencies and their officers."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Agency, Officer


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
