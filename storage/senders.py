"""Who wrote: the officer, dialog and business identity rows of one sender or of several, in one query each.

Hot statements are built once at import: constructing a statement and its cache key costs more than
running it; values are bound per call.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Select, String, and_, bindparam, false, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import DialogState, Identity, Officer

Sender = tuple[Officer | None, DialogState | None, Identity | None]


def _sender_query(private: bool) -> Select[Officer, DialogState, Identity]:
    """One query for the officer, dialog and identity rows of a sender, each possibly missing."""
    one = select(literal(1).label("one")).subquery()
    channel, user_id = bindparam("channel", type_=String), bindparam("user_id", type_=String)
    dialog_key = bindparam("dialog_key", type_=String)
    return (
        select(Officer, DialogState, Identity)
        .select_from(one)
        .outerjoin(Officer, and_(Officer.channel == channel, Officer.user_id == user_id))
        .outerjoin(DialogState, and_(DialogState.channel == channel, DialogState.user_id == dialog_key))
        .outerjoin(Identity, and_(Identity.channel == channel, Identity.user_id == user_id) if private else false())
    )


_SENDER = {True: _sender_query(True), False: _sender_query(False)}
_OFFICERS = select(Officer).where(
    Officer.channel == bindparam("channel"), Officer.user_id.in_(bindparam("user_ids", expanding=True))
)
_DIALOGS = select(DialogState).where(
    DialogState.channel == bindparam("channel"), DialogState.user_id.in_(bindparam("keys", expanding=True))
)
_IDENTITIES = select(Identity).where(
    Identity.channel == bindparam("channel"), Identity.user_id.in_(bindparam("user_ids", expanding=True))
)


async def sender(session: AsyncSession, channel: str, user_id: str, dialog_key: str, *, private: bool) -> Sender:
    """The officer record, the dialog row and (in a private chat) the business identity of one sender."""
    params = {"channel": channel, "user_id": user_id, "dialog_key": dialog_key}
    row = (await session.execute(_SENDER[private], params)).one()
    return row[0], row[1], row[2]


async def senders(
    session: AsyncSession, channel: str, user_ids: Sequence[str], dialog_keys: Sequence[str], *, identities: bool
) -> tuple[dict[str, Officer], dict[str, DialogState], dict[str, Identity]]:
    """Officers and identities by user id, dialog rows by key, for several senders of one channel."""
    params = {"channel": channel, "user_ids": list(user_ids), "keys": list(dialog_keys)}
    officers = {row.user_id: row for row in (await session.execute(_OFFICERS, params)).scalars()}
    dialogs = {row.user_id: row for row in (await session.execute(_DIALOGS, params)).scalars()}
    found: dict[str, Identity] = {}
    if identities:
        found = {row.user_id: row for row in (await session.execute(_IDENTITIES, params)).scalars()}
    return officers, dialogs, found
