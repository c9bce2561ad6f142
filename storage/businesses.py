"""Businesses: their identities on each channel and the persons linking them."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Identity


async def person_identity_ids(session: AsyncSession, person_id: int) -> list[int]:
    """Every identity linked to one person (the same business on several channels)."""
    rows = await session.execute(select(Identity.id).where(Identity.person_id == person_id))
    return [int(r[0]) for r in rows]


async def merge_persons(session: AsyncSession, merged: int, person: int) -> None:
    """Every identity of person `merged` now belongs to `person`."""
    await session.execute(update(Identity).where(Identity.person_id == merged).values(person_id=person))


async def identities(session: AsyncSession, ids: Collection[int]) -> Sequence[Identity]:
    """The identities with these ids."""
    return (await session.execute(select(Identity).where(Identity.id.in_(ids)))).scalars().all()


async def identities_of_persons(session: AsyncSession, persons: Collection[int]) -> Sequence[Identity]:
    """Every identity linked to one of these persons."""
    return (await session.execute(select(Identity).where(Identity.person_id.in_(persons)))).scalars().all()
