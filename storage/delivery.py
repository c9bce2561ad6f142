"""Queries of the channel adapters: cards and topics, inbound events, tokens, console history."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, Integer, bindparam, exists, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from storage.models import Agency, Identity, InboundEvent, OAuthToken, Officer, OutboxMessage, TicketCard

_OPEN = ("pending", "processing")


# -- identities and officers ----------------------------------------------------------------------------
_CHAT_LANGUAGE = select(Identity.language).where(
    Identity.channel == bindparam("channel"), Identity.chat_id == bindparam("chat_id")
)


async def chat_language(session: AsyncSession, channel: str, chat_id: str) -> str | None:
    """The language of the business whose private chat this is, if known."""
    params = {"channel": channel, "chat_id": chat_id}
    return (await session.execute(_CHAT_LANGUAGE, params)).scalar_one_or_none()


async def identity_of_user(session: AsyncSession, channel: str, user_id: str) -> Identity | None:
    """The business identity of one user of a channel, if any."""
    query = select(Identity).where(Identity.channel == channel, Identity.user_id == user_id)
    return (await session.execute(query)).scalar_one_or_none()


async def mark_unreachable(session: AsyncSession, channel: str, user_id: str, reason: str) -> None:
    """The business stopped accepting messages on this channel (e.g. unfollowed the OA)."""
    await session.execute(
        update(Identity)
        .where(Identity.channel == channel, Identity.user_id == user_id)
        .values(unreachable=True, unreachable_reason=reason)
    )


async def officer_of_user(session: AsyncSession, channel: str, user_id: str) -> Officer | None:
    """The officer record of one user of a channel, if any."""
    query = select(Officer).where(Officer.channel == channel, Officer.user_id == user_id)
    return (await session.execute(query)).scalar_one_or_none()


# -- cards, topics and chats ----------------------------------------------------------------------------
_CARD_THREAD = (
    select(TicketCard.thread_id)
    .where(
        TicketCard.ticket_id == bindparam("ticket_id"),
        TicketCard.channel == bindparam("channel"),
        TicketCard.chat_id == bindparam("chat_id"),
        TicketCard.thread_id.is_not(None),
    )
    .order_by(TicketCard.id.desc())
    .limit(1)
)


async def card_thread(session: AsyncSession, ticket_id: int | None, channel: str, chat_id: str) -> str | None:
    """The latest forum topic recorded for a ticket in an agency chat, if any."""
    params = {"ticket_id": ticket_id, "channel": channel, "chat_id": chat_id}
    return (await session.execute(_CARD_THREAD, params)).scalar_one_or_none()


async def forget_card_threads(session: AsyncSession, ticket_id: int | None, channel: str, chat_id: str) -> None:
    """The ticket's forum topic in an agency chat is gone: its cards no longer point to a topic."""
    await session.execute(
        update(TicketCard)
        .where(TicketCard.ticket_id == ticket_id, TicketCard.channel == channel, TicketCard.chat_id == chat_id)
        .values(thread_id=None)
    )


async def move_chat(session: AsyncSession, channel: str, old: str, new: str) -> None:
    """A chat got a new id: agency bindings and the outbox rows not yet sent follow it."""
    await session.execute(
        update(Agency).where(Agency.group_channel == channel, Agency.group_chat_id == old).values(group_chat_id=new)
    )
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.channel == channel, OutboxMessage.chat_id == old, OutboxMessage.state != "sent")
        .values(chat_id=new)
    )


# -- inbound events -------------------------------------------------------------------------------------
_INBOUND_KNOWN = select(InboundEvent.id).where(
    InboundEvent.channel == bindparam("channel"), InboundEvent.event_id == bindparam("event_id")
)
_earlier = aliased(InboundEvent)
# an event waits while an earlier event of the same user is still open (per-user arrival order)
_BLOCKED = exists().where(
    _earlier.channel == InboundEvent.channel,
    _earlier.user_key == InboundEvent.user_key,
    _earlier.id < InboundEvent.id,
    _earlier.state.in_(_OPEN),
)
_INBOUND_DUE = (
    select(InboundEvent)
    .where(
        InboundEvent.channel == bindparam("channel"),
        InboundEvent.state.in_(_OPEN),
        InboundEvent.next_attempt_at <= bindparam("now"),
        ~_BLOCKED,
    )
    .order_by(InboundEvent.id)
    .limit(bindparam("limit", type_=Integer))
)


async def inbound_event_known(session: AsyncSession, channel: str, event_id: str) -> bool:
    """Whether this event id of the channel was stored before."""
    params = {"channel": channel, "event_id": event_id}
    return (await session.execute(_INBOUND_KNOWN, params)).first() is not None


async def claim_inbound_events(
    session: AsyncSession, channel: str, now: datetime, limit: int, until: datetime
) -> list[InboundEvent]:
    """Due events whose user has no earlier open event, oldest first, each marked processing until `until`.

    A row another replica changed since it was read is skipped (the update matches its state and due time).
    """
    params = {"channel": channel, "now": now, "limit": limit}
    rows = (await session.execute(_INBOUND_DUE, params)).scalars().all()
    claimed = []
    for row in rows:
        result = await session.execute(
            update(InboundEvent)
            .where(
                InboundEvent.id == row.id,
                InboundEvent.state == row.state,
                InboundEvent.next_attempt_at == row.next_attempt_at,
            )
            .values(state="processing", next_attempt_at=until)
        )
        if cast(CursorResult[Any], result).rowcount == 1:
            claimed.append(row)
    return claimed


async def update_inbound_event(session: AsyncSession, event_row_id: int, **values: object) -> None:
    """Set columns of one stored event (its outcome)."""
    await session.execute(update(InboundEvent).where(InboundEvent.id == event_row_id).values(**values))


# -- OAuth tokens ---------------------------------------------------------------------------------------
async def claim_token_refresh(session: AsyncSession, provider: str, now: datetime, until: datetime) -> bool:
    """Take the provider's refresh lease until `until`; False while another caller holds it."""
    result = await session.execute(
        update(OAuthToken)
        .where(
            OAuthToken.provider == provider,
            or_(OAuthToken.refreshing_until.is_(None), OAuthToken.refreshing_until < now),
        )
        .values(refreshing_until=until)
        .execution_options(synchronize_session=False)
    )
    return cast(CursorResult[Any], result).rowcount == 1


async def release_token_refresh(session: AsyncSession, provider: str) -> None:
    """Give the provider's refresh lease back."""
    await session.execute(update(OAuthToken).where(OAuthToken.provider == provider).values(refreshing_until=None))


async def store_refreshed_tokens(
    session: AsyncSession, provider: str, access: str, refresh: str, expires_at: datetime, now: datetime
) -> None:
    """Store a new access/refresh pair and release the refresh lease."""
    await session.execute(
        update(OAuthToken)
        .where(OAuthToken.provider == provider)
        .values(
            access_token=access,
            refresh_token=refresh,
            access_expires_at=expires_at,
            refreshing_until=None,
            updated_at=now,
        )
    )
