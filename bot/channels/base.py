"""Channel-neutral message types and the protocol every channel adapter implements."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True)
class Attachment:
    """A file reference as the platform gives it (Telegram file id, Zalo URL)."""

    kind: str  # photo | document | url
    ref: str
    name: str | None = None


@dataclass(frozen=True)
class Contact:
    """A contact card shared by the user (Telegram's contact button, Zalo's user_submit_info)."""

    phone: str
    name: str = ""


@dataclass(frozen=True)
class Incoming:
    """One event from a user, whatever the channel."""

    channel: str
    user_id: str
    chat_id: str
    text: str = ""
    is_group: bool = False
    thread_id: str | None = None
    button: str | None = None  # payload of a pressed button
    attachments: tuple[Attachment, ...] = ()
    contact: Contact | None = None
    reply_to_message_id: str | None = None
    event_id: str | None = None
    display_name: str = ""
    language_hint: str | None = None
    extras: dict[str, Any] = field(default_factory=dict)

    @property
    def command(self) -> tuple[str, str] | None:
        """('/status', 'LS-XXXXXX') for a slash command, else None; '@botname' suffixes are dropped."""
        text = self.text.strip()
        if not text.startswith("/"):
            return None
        head, _, rest = text.partition(" ")
        return head.split("@", 1)[0].lower(), rest.strip()


@dataclass(frozen=True)
class Button:
    """A choice offered to the user; its payload comes back as Incoming.button."""

    label: str
    payload: str


@dataclass
class Outgoing:
    """A message to send, whatever the channel: rendered by each adapter."""

    text: str
    buttons: list[list[Button]] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    request_contact: bool = False

    def to_payload(self) -> dict[str, Any]:
        """JSON-able form stored in the outbox."""
        return {
            "text": self.text,
            "buttons": [[{"label": b.label, "payload": b.payload} for b in row] for row in self.buttons],
            "attachments": [{"kind": a.kind, "ref": a.ref, "name": a.name} for a in self.attachments],
            "request_contact": self.request_contact,
        }

    @classmethod
    def from_payload(cls, data: dict[str, Any]) -> Outgoing:
        """Inverse of to_payload."""
        return cls(
            text=str(data.get("text", "")),
            buttons=[[Button(b["label"], b["payload"]) for b in row] for row in data.get("buttons", [])],
            attachments=[Attachment(a["kind"], a["ref"], a.get("name")) for a in data.get("attachments", [])],
            request_contact=bool(data.get("request_contact", False)),
        )


@dataclass(frozen=True)
class Delivery:
    """Where an outbox row goes: a chat, and for agency chats the ticket whose thread it belongs to."""

    outbox_id: int
    chat_id: str
    audience: str
    thread_id: str | None = None
    ticket_id: int | None = None
    agency_id: str | None = None


@dataclass(frozen=True)
class SendResult:
    """Outcome of one delivery attempt: sent, retry later, or failed for good."""

    ok: bool
    message_id: str | None = None
    retry_after: float | None = None
    permanent: bool = False
    error: str | None = None


class Channel(Protocol):
    """What the core needs from a channel: a name, start/stop, and delivery of one message."""

    name: str

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    async def deliver(self, target: Delivery, message: Outgoing) -> SendResult: ...
