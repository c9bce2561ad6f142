"""The shapes of Zalo OA events and Zalo Bot Platform updates pcibot accepts, checked before they are stored.

Only the fields pcibot reads are kept (the stored inbox payload is the validated dump), each strictly typed:
a sender that is an object, attachments that are a list of objects, texts that are strings. OA bodies are
parsed with numbers as strings (Zalo's ids overflow a double), so OA ids are strings; the Bot Platform's ids
are strings too but an integer is taken as its decimal form. Texts arrive cleaned (bot.channels.boundary).
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from bot.channels.boundary import MISSING, Refused, validate

MAX_ID = 128


class _Part(BaseModel):
    model_config = ConfigDict(strict=True, extra="ignore", frozen=True, populate_by_name=True)

    def dump(self) -> dict[str, Any]:
        """The JSON-able form stored in the inbox (platform field names, absent fields left out)."""
        return self.model_dump(by_alias=True, exclude_none=True)


# -- Zalo OA ----------------------------------------------------------------------------------------------
OAId = Annotated[str, Field(max_length=MAX_ID)]


class OAParty(_Part):
    """A sender, recipient or follower."""

    id: OAId | None = None


class OAPayload(_Part):
    """What an attachment points at."""

    url: str | None = None
    name: str | None = None


class OAAttachment(_Part):
    """One attachment of a media event."""

    type: str | None = None
    payload: OAPayload | None = None


class OAInfo(_Part):
    """The answer to a request_user_info form."""

    name: str | None = None
    phone: str | None = None


class OAMessage(_Part):
    """The message of a user_send_* event."""

    msg_id: OAId | None = None
    text: str | None = None
    attachments: list[OAAttachment] | None = None
    info: OAInfo | None = None


class OAEvent(_Part):
    """A webhook event of the OA (user → OA messages, follow/unfollow, delivery receipts …)."""

    event_name: str
    timestamp: OAId | None = None
    app_id: OAId | None = None
    oa_id: OAId | None = None
    sender: OAParty | None = None
    recipient: OAParty | None = None
    follower: OAParty | None = None
    message: OAMessage | None = None
    info: OAInfo | None = None


def parse_oa_event(body: dict[str, Any]) -> dict[str, Any]:
    """The validated OA event as stored, or Refused."""
    return validate(OAEvent, body).dump()


# -- Zalo Bot Platform ------------------------------------------------------------------------------------
def _int_as_text(value: Any) -> Any:
    """An integer id as its decimal string (booleans and floats are left to fail the string check)."""
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


BotId = Annotated[str, BeforeValidator(_int_as_text), Field(max_length=MAX_ID)]


class BotUser(_Part):
    """The sender of a message."""

    id: BotId | None = None
    display_name: str | None = None
    first_name: str | None = None
    is_bot: bool | None = None


class BotChat(_Part):
    """The chat of a message."""

    id: BotId
    chat_type: str | None = None


class BotMessage(_Part):
    """A message update's message."""

    message_id: BotId | None = None
    date: BotId | None = None
    chat: BotChat
    from_user: BotUser | None = Field(None, alias="from")
    text: str | None = None
    caption: str | None = None
    photo: str | None = None


class BotUpdate(_Part):
    """An update of the Bot Platform (message.text.received, message.image.received …)."""

    event_name: str | None = None
    message: BotMessage | None = None


def parse_bot_update(update: dict[str, Any]) -> dict[str, Any] | None:
    """The validated update as stored; None for an update that carries no message; Refused if malformed."""
    checked = validate(BotUpdate, update)
    if checked.message is None:
        return None
    if not checked.message.chat.id:
        raise Refused(MISSING, "message.chat.id: empty")
    return checked.dump()
