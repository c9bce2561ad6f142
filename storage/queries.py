"""The questions the handlers ask of the database, as named functions (handlers build no SQL themselves).

Hot statements (the sender of an event, event ids) are built once at import: constructing a statement
and its cache key costs more than running it; values are bound per call.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from datetime import datetime
from typing import cast

from sqlalchemy import Select, String, Table, and_, bindparam, false, func, literal, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    Agency,
    DialogState,
    Identity,
    Message,
    Officer,
    OutboxMessage,
    ProcessedEvent,
    Ticket,
    TicketCard,
)

Sender = tuple[Officer | None, DialogState | None, Identity | None]


# -- events ---------------------------------------------------------------------------------------------
# a Core insert on the table: values passed with an ORM entity's insert would make it an ORM bulk insert
_EVENTS = cast(Table, ProcessedEvent.__table__)
_RECORD_EVENTS = {
    name: insert(_EVENTS).on_conflict_do_nothing().returning(_EVENTS.c.channel, _EVENTS.c.event_id)
    for name, insert in (("postgresql", pg_insert), ("sqlite", sqlite_insert))
}


async def record_events(session: AsyncSession, keys: Iterable[tuple[str, str]], now: datetime) -> set[tuple[str, str]]:
    """Record several (channel, event id) pairs in one statement; the ones that were new."""
    values = [{"channel": c, "event_id": e, "processed_at": now} for c, e in dict.fromkeys(keys)]
    if not values:
        return set()
    stmt = _RECORD_EVENTS[session.get_bind().dialect.name]
    return {(c, e) for c, e in await session.execute(stmt, values)}


# -- senders --------------------------------------------------------------------------------------------
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


# -- businesses -----------------------------------------------------------------------------------------
async def person_identity_ids(session: AsyncSession, person_id: int) -> list[int]:
    """Every identity linked to one person (the same business on several channels)."""
    rows = await session.execute(select(Identity.id).where(Identity.person_id == person_id))
    return [int(r[0]) for r in rows]


async def merge_persons(session: AsyncSession, merged: int, person: int) -> None:
    """Every identity of person `merged` now belongs to `person`."""
    await session.execute(update(Identity).where(Identity.person_id == merged).values(person_id=person))


async def recent_tickets(session: AsyncSession, identity_ids: Collection[int], limit: int = 10) -> Sequence[Ticket]:
    """A business's latest tickets, newest first."""
    query = select(Ticket).where(Ticket.identity_id.in_(identity_ids)).order_by(Ticket.created_at.desc())
    return (await session.execute(query.limit(limit))).scalars().all()


async def awaiting_tickets(session: AsyncSession, identity_ids: Collection[int]) -> list[Ticket]:
    """A business's tickets waiting for its information, the latest question first."""
    query = select(Ticket).where(Ticket.identity_id.in_(identity_ids), Ticket.state == "awaiting_info")
    return list((await session.execute(query.order_by(Ticket.paused_at.desc()))).scalars())


async def last_ticket_with_contact(session: AsyncSession, identity_id: int) -> Ticket | None:
    """The identity's latest ticket that recorded a phone number (to offer the same contact again)."""
    query = (
        select(Ticket)
        .where(Ticket.identity_id == identity_id, Ticket.contact_phone.is_not(None))
        .order_by(Ticket.created_at.desc())
        .limit(1)
    )
    return (await session.execute(query)).scalar_one_or_none()


async def ticket_of_sent_message(session: AsyncSession, channel: str, chat_id: str, message_id: str) -> int | None:
    """The ticket a message the bot sent was about (its outbox row knows), if any."""
    query = select(OutboxMessage.ticket_id).where(
        OutboxMessage.channel == channel,
        OutboxMessage.chat_id == chat_id,
        OutboxMessage.platform_message_id == message_id,
    )
    return (await session.execute(query.limit(1))).scalar_one_or_none()


# -- agencies -------------------------------------------------------------------------------------------
async def ticket_of_card(
    session: AsyncSession, channel: str, chat_id: str, *, thread_id: str | None = None, message_id: str | None = None
) -> int | None:
    """The ticket whose forum topic (`thread_id`) or card message (`message_id`) is in this agency chat."""
    cond = TicketCard.thread_id == thread_id if thread_id else TicketCard.message_id == message_id
    query = (
        select(TicketCard.ticket_id)
        .where(TicketCard.channel == channel, TicketCard.chat_id == chat_id, cond)
        .order_by(TicketCard.id.desc())
        .limit(1)
    )
    return (await session.execute(query)).scalar_one_or_none()


async def open_tickets(
    session: AsyncSession, states: Collection[str], agency_id: str | None = None, limit: int = 30
) -> Sequence[Ticket]:
    """Tickets in `states` (of one agency, or all), nearest answer deadline first."""
    query = select(Ticket).where(Ticket.state.in_(states)).order_by(Ticket.answer_due_at).limit(limit)
    if agency_id is not None:
        query = query.where(Ticket.agency_id == agency_id)
    return (await session.execute(query)).scalars().all()


async def overdue_tickets(
    session: AsyncSession, states: Collection[str], now: datetime, limit: int = 50
) -> Sequence[Ticket]:
    """Tickets in `states` past their answer deadline, oldest deadline first."""
    query = select(Ticket).where(Ticket.state.in_(states), Ticket.answer_due_at < now).order_by(Ticket.answer_due_at)
    return (await session.execute(query.limit(limit))).scalars().all()


async def ticket_messages(session: AsyncSession, ticket_id: int) -> Sequence[Message]:
    """A ticket's thread of messages, in order."""
    query = select(Message).where(Message.ticket_id == ticket_id).order_by(Message.id)
    return (await session.execute(query)).scalars().all()


async def ticket_counts(session: AsyncSession, by: str, states: Collection[str] | None = None) -> dict[str, int]:
    """How many tickets per `by` ("state" or "agency_id"), optionally only those in `states`."""
    column = getattr(Ticket, by)
    query = select(column, func.count()).group_by(column)
    if states is not None:
        query = query.where(Ticket.state.in_(states))
    return {str(key): int(n) for key, n in (await session.execute(query)).tuples()}


async def agencies(session: AsyncSession) -> Sequence[Agency]:
    """Every agency, by id."""
    return (await session.execute(select(Agency).order_by(Agency.id))).scalars().all()


async def active_officers(session: AsyncSession, agency_id: str | None = None) -> Sequence[Officer]:
    """Active officers (of one agency, or all), by agency and role."""
    query = select(Officer).where(Officer.active.is_(True)).order_by(Officer.agency_id, Officer.role)
    if agency_id:
        query = query.where(Officer.agency_id == agency_id)
    return (await session.execute(query)).scalars().all()
