"""SQLAlchemy 2 models: every table the bot writes, portable between SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite returns naive values otherwise)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


Stamp = UTCDateTime()
# SQLite only auto-increments INTEGER PRIMARY KEY; PostgreSQL gets a BIGINT identity.
BigId = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    """Declarative base with a JSON type map."""

    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


class Agency(Base):
    """An agency from routing_rules.yaml plus the chat it is bound to."""

    __tablename__ = "agencies"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    full_name: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(20), default="provincial")
    group_channel: Mapped[str | None] = mapped_column(String(20))
    group_chat_id: Mapped[str | None] = mapped_column(String(64))
    group_is_forum: Mapped[bool] = mapped_column(Boolean, default=False)


class Officer(Base):
    """A person acting for an agency (officer, head), the coordinator, or an admin."""

    __tablename__ = "officers"
    __table_args__ = (UniqueConstraint("channel", "user_id", name="uq_officer_identity"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    channel: Mapped[str] = mapped_column(String(20))
    user_id: Mapped[str] = mapped_column(String(64))
    chat_id: Mapped[str | None] = mapped_column(String(64))
    display_name: Mapped[str] = mapped_column(String(200), default="")
    agency_id: Mapped[str | None] = mapped_column(ForeignKey("agencies.id"))
    role: Mapped[str] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(Stamp)


class Invite(Base):
    """A one-time code that makes its user an officer or head of an agency."""

    __tablename__ = "invites"
    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    agency_id: Mapped[str] = mapped_column(ForeignKey("agencies.id"))
    role: Mapped[str] = mapped_column(String(20))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("officers.id"))
    created_at: Mapped[datetime] = mapped_column(Stamp)
    expires_at: Mapped[datetime] = mapped_column(Stamp)
    used_by: Mapped[int | None] = mapped_column(ForeignKey("officers.id"))
    used_at: Mapped[datetime | None] = mapped_column(Stamp)


class Identity(Base):
    """A business's identity on one channel (Telegram user, Zalo user, console, partner API)."""

    __tablename__ = "identities"
    __table_args__ = (UniqueConstraint("channel", "user_id", name="uq_identity"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    channel: Mapped[str] = mapped_column(String(20))
    user_id: Mapped[str] = mapped_column(String(64))
    chat_id: Mapped[str] = mapped_column(String(64))
    display_name: Mapped[str] = mapped_column(String(200), default="")
    language: Mapped[str | None] = mapped_column(String(5))
    person_id: Mapped[int | None] = mapped_column(BigId, index=True)
    unreachable: Mapped[bool] = mapped_column(Boolean, default=False)
    unreachable_reason: Mapped[str | None] = mapped_column(String(200))
    last_inbound_at: Mapped[datetime | None] = mapped_column(Stamp)
    created_at: Mapped[datetime] = mapped_column(Stamp)
    # the message rate limit: when the sender's current one-minute window began, and its messages so far
    rate_window_at: Mapped[datetime | None] = mapped_column(Stamp)
    rate_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class AbuseEvent(Base):
    """What the abuse controls did: a wrong or refused invite/link code, a window of messages over the rate limit.

    Wrong codes of the last minutes throttle further attempts; all rows are counted on /metrics. The codes
    typed are never stored.
    """

    __tablename__ = "abuse_events"
    __table_args__ = (
        Index("ix_abuse_user", "channel", "user_id", "kind", "at"),
        Index("ix_abuse_chat", "channel", "chat_id", "kind", "at"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(20))  # code_wrong | code_throttled | rate_limited
    channel: Mapped[str] = mapped_column(String(20))
    user_id: Mapped[str] = mapped_column(String(64))
    chat_id: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(Stamp)
    count: Mapped[int] = mapped_column(Integer, default=1)  # messages dropped in a rate-limited window


class LinkCode(Base):
    """A one-time code linking two identities of the same business."""

    __tablename__ = "link_codes"
    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    identity_id: Mapped[int] = mapped_column(ForeignKey("identities.id"))
    expires_at: Mapped[datetime] = mapped_column(Stamp)
    used_at: Mapped[datetime | None] = mapped_column(Stamp)


class Ticket(Base):
    """One complaint, recommendation, question or report, with its deadlines as columns."""

    __tablename__ = "tickets"
    __table_args__ = (
        Index("ix_tickets_agency_state", "agency_id", "state"),
        Index("ix_tickets_created", "created_at"),
        # each topic's most recent items (the clusters, storage/analytics.py); also serves topic_id alone
        Index("ix_tickets_topic_created", "topic_id", "created_at", "id"),
        # period statistics (bot/core/stats.py): answers, refusals and first responses in a week
        Index("ix_tickets_resolved", "resolved_at"),
        Index("ix_tickets_closed", "closed_at"),
        Index("ix_tickets_first_response", "first_response_at"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    state: Mapped[str] = mapped_column(String(20), index=True)
    topic_id: Mapped[str | None] = mapped_column(String(64))
    agency_id: Mapped[str] = mapped_column(ForeignKey("agencies.id"))
    source: Mapped[str] = mapped_column(String(20))
    identity_id: Mapped[int | None] = mapped_column(ForeignKey("identities.id"), index=True)
    language: Mapped[str] = mapped_column(String(5), default="vi")
    text: Mapped[str] = mapped_column(Text)
    contact_name: Mapped[str | None] = mapped_column(String(200))
    contact_phone: Mapped[str | None] = mapped_column(String(20))
    company: Mapped[str | None] = mapped_column(String(300))
    tax_code: Mapped[str | None] = mapped_column(String(20))
    commune_code: Mapped[str | None] = mapped_column(String(10))
    confidential: Mapped[bool] = mapped_column(Boolean, default=False)
    consent_publish: Mapped[bool] = mapped_column(Boolean, default=False)
    publish_company: Mapped[bool] = mapped_column(Boolean, default=False)
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    hidden_reason: Mapped[str | None] = mapped_column(Text)
    route_confidence: Mapped[float] = mapped_column(Float, default=0.0)
    route_explanation: Mapped[dict[str, Any]] = mapped_column(default=dict)
    outcome: Mapped[str | None] = mapped_column(String(20))
    answer_text: Mapped[str | None] = mapped_column(Text)
    rating: Mapped[int | None] = mapped_column(Integer)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("officers.id"))
    created_at: Mapped[datetime] = mapped_column(Stamp)
    updated_at: Mapped[datetime] = mapped_column(Stamp)
    agency_since: Mapped[datetime] = mapped_column(Stamp)
    ack_due_at: Mapped[datetime] = mapped_column(Stamp)
    answer_due_at: Mapped[datetime] = mapped_column(Stamp, index=True)
    taken_at: Mapped[datetime | None] = mapped_column(Stamp)
    first_response_at: Mapped[datetime | None] = mapped_column(Stamp)
    resolved_at: Mapped[datetime | None] = mapped_column(Stamp)
    closed_at: Mapped[datetime | None] = mapped_column(Stamp)
    close_reason: Mapped[str | None] = mapped_column(String(30))
    paused_at: Mapped[datetime | None] = mapped_column(Stamp)
    extension_days: Mapped[int] = mapped_column(Integer, default=0)
    transfer_count: Mapped[int] = mapped_column(Integer, default=0)
    reopen_count: Mapped[int] = mapped_column(Integer, default=0)

    events: Mapped[list[TicketEvent]] = relationship(
        back_populates="ticket", order_by="TicketEvent.id", cascade="all, delete-orphan"
    )


class TicketEvent(Base):
    """Append-only audit of everything that happened to a ticket."""

    __tablename__ = "ticket_events"
    __table_args__ = (Index("ix_events_action_at", "action", "at"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    at: Mapped[datetime] = mapped_column(Stamp)
    actor_kind: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[str | None] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(30), index=True)
    from_state: Mapped[str | None] = mapped_column(String(20))
    to_state: Mapped[str | None] = mapped_column(String(20))
    from_agency: Mapped[str | None] = mapped_column(String(64))
    to_agency: Mapped[str | None] = mapped_column(String(64))
    reason: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)

    ticket: Mapped[Ticket] = relationship(back_populates="events")


class Message(Base):
    """The thread between the business and the agency; internal notes are flagged."""

    __tablename__ = "messages"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    at: Mapped[datetime] = mapped_column(Stamp)
    direction: Mapped[str] = mapped_column(String(10))
    author_kind: Mapped[str] = mapped_column(String(20))
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("officers.id"))
    agency_id: Mapped[str | None] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    internal: Mapped[bool] = mapped_column(Boolean, default=False)


class Attachment(Base):
    """A file the business sent, kept as the platform's reference (file id or URL)."""

    __tablename__ = "attachments"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    channel: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(20))
    ref: Mapped[str] = mapped_column(Text)
    name: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(Stamp)


class DialogState(Base):
    """Where one channel user is in a dialog; a row, so restarts and replicas continue it."""

    __tablename__ = "dialog_states"
    channel: Mapped[str] = mapped_column(String(20), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    step: Mapped[str] = mapped_column(String(40))
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    updated_at: Mapped[datetime] = mapped_column(Stamp)


class OutboxMessage(Base):
    """A pending outbound message, written in the same transaction as the change it reports."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "state", "next_attempt_at"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    created_at: Mapped[datetime] = mapped_column(Stamp)
    channel: Mapped[str] = mapped_column(String(20))
    chat_id: Mapped[str] = mapped_column(String(64))
    thread_id: Mapped[str | None] = mapped_column(String(64))
    audience: Mapped[str] = mapped_column(String(20))
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"), index=True)
    identity_id: Mapped[int | None] = mapped_column(ForeignKey("identities.id"))
    agency_id: Mapped[str | None] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    state: Mapped[str] = mapped_column(String(20), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(Stamp)
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None] = mapped_column(Stamp)
    platform_message_id: Mapped[str | None] = mapped_column(String(64))
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True)


class TicketCard(Base):
    """Where a ticket was posted in an agency chat (card message and forum thread)."""

    __tablename__ = "ticket_cards"
    __table_args__ = (Index("ix_cards_chat_msg", "channel", "chat_id", "message_id"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    agency_id: Mapped[str] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(20))
    chat_id: Mapped[str] = mapped_column(String(64))
    thread_id: Mapped[str | None] = mapped_column(String(64))
    message_id: Mapped[str | None] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(10), default="lead")
    created_at: Mapped[datetime] = mapped_column(Stamp)


class ProcessedEvent(Base):
    """Platform event ids already handled, so a redelivery changes nothing."""

    __tablename__ = "processed_events"
    channel: Mapped[str] = mapped_column(String(20), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    processed_at: Mapped[datetime] = mapped_column(Stamp)


class InboundEvent(Base):
    """A webhook or polled event stored before it is acknowledged, then processed from here (Zalo)."""

    __tablename__ = "inbound_events"
    __table_args__ = (
        UniqueConstraint("channel", "event_id", name="uq_inbound_event"),
        Index("ix_inbound_due", "state", "next_attempt_at"),
        Index("ix_inbound_user", "channel", "user_key", "state"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    channel: Mapped[str] = mapped_column(String(20))
    event_id: Mapped[str] = mapped_column(String(100))
    user_key: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    state: Mapped[str] = mapped_column(String(20), default="pending")  # pending|processing|done|failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(Stamp)
    received_at: Mapped[datetime] = mapped_column(Stamp)
    processed_at: Mapped[datetime | None] = mapped_column(Stamp)
    last_error: Mapped[str | None] = mapped_column(Text)


class ReminderSent(Base):
    """One reminder or escalation level already sent for a deadline of a ticket."""

    __tablename__ = "reminders_sent"
    __table_args__ = (
        UniqueConstraint("ticket_id", "deadline", "level", "agency_id", "due_at", name="uq_reminder"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    deadline: Mapped[str] = mapped_column(String(20))
    level: Mapped[int] = mapped_column(Integer)
    agency_id: Mapped[str] = mapped_column(String(64))
    due_at: Mapped[datetime] = mapped_column(Stamp)
    sent_at: Mapped[datetime] = mapped_column(Stamp)


class KeyValue(Base):
    """Small named settings: the working-group chat, the public channel, last digest week."""

    __tablename__ = "kv"
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[dict[str, Any]] = mapped_column(default=dict)
    updated_at: Mapped[datetime] = mapped_column(Stamp)


class Lease(Base):
    """A named lease so that exactly one replica runs the sweeps."""

    __tablename__ = "leases"
    name: Mapped[str] = mapped_column(String(50), primary_key=True)
    holder: Mapped[str] = mapped_column(String(100))
    expires_at: Mapped[datetime] = mapped_column(Stamp)


class OAuthToken(Base):
    """Rotating platform tokens (Zalo OA access and refresh tokens)."""

    __tablename__ = "oauth_tokens"
    provider: Mapped[str] = mapped_column(String(50), primary_key=True)
    access_token: Mapped[str | None] = mapped_column(Text)
    refresh_token: Mapped[str] = mapped_column(Text)
    access_expires_at: Mapped[datetime | None] = mapped_column(Stamp)
    refreshing_until: Mapped[datetime | None] = mapped_column(Stamp)
    updated_at: Mapped[datetime] = mapped_column(Stamp)


class ApiKey(Base):
    """A partner API key for Open311 POST; only its hash is kept."""

    __tablename__ = "api_keys"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200))
    key_hash: Mapped[str] = mapped_column(String(128), unique=True)
    created_at: Mapped[datetime] = mapped_column(Stamp)
    revoked_at: Mapped[datetime | None] = mapped_column(Stamp)
