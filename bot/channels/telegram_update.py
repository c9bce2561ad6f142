"""The shape of a Telegram update pcibot accepts: the fields it reads, strictly typed, checked before PTB sees them.

Only these fields reach python-telegram-bot (and so the core): whatever else an update carries is dropped,
and an update whose used fields have the wrong type or are missing (a string update id, a message without
its chat, a float chat id …) is refused at the boundary. Names and texts arrive cleaned (bot.channels.boundary).
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field
from telegram import Bot, Update

from bot.channels.boundary import BAD_VALUE, Refused, validate

Int64 = Annotated[int, Field(ge=-(2**63), lt=2**63)]
Count = Annotated[int, Field(ge=0, lt=2**31)]
Timestamp = Annotated[int, Field(ge=0, le=253402300799)]  # up to 9999-12-31, what a datetime can hold


class _Part(BaseModel):
    model_config = ConfigDict(strict=True, extra="ignore", frozen=True, populate_by_name=True)


class User(_Part):
    """A person (or bot) writing to us."""

    id: Int64
    is_bot: bool
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None


class Chat(_Part):
    """Where a message was written."""

    id: Int64
    type: str
    title: str | None = None
    username: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    is_forum: bool | None = None


class PhotoSize(_Part):
    """One size of a photo."""

    file_id: str
    file_unique_id: str
    width: Count
    height: Count


class Document(_Part):
    """A file sent as a document."""

    file_id: str
    file_unique_id: str
    file_name: str | None = None


class Video(_Part):
    """A video."""

    file_id: str
    file_unique_id: str
    width: Count
    height: Count
    duration: Count
    file_name: str | None = None


class Contact(_Part):
    """A shared contact card."""

    phone_number: str
    first_name: str
    last_name: str | None = None
    user_id: Int64 | None = None


class ForumTopicCreated(_Part):
    """The service message that opens a forum topic."""

    name: str
    icon_color: Int64


class _MessageFields(_Part):
    message_id: Int64
    date: Timestamp
    chat: Chat
    from_user: User | None = Field(None, alias="from")
    message_thread_id: Int64 | None = None
    is_topic_message: bool | None = None
    media_group_id: str | None = None
    text: str | None = None
    caption: str | None = None
    photo: list[PhotoSize] | None = None
    document: Document | None = None
    video: Video | None = None
    contact: Contact | None = None
    forum_topic_created: ForumTopicCreated | None = None


class RepliedMessage(_MessageFields):
    """The message a message replies to (its own reply is not read)."""


class Message(_MessageFields):
    """A message (or, with date 0, an inaccessible one under a button)."""

    reply_to_message: RepliedMessage | None = None


class CallbackQuery(_Part):
    """A button press."""

    id: str
    from_user: User = Field(alias="from")
    chat_instance: str
    message: Message | None = None
    data: str | None = None


class TelegramUpdate(_Part):
    """An update of the kinds pcibot asks for (others are accepted and ignored)."""

    update_id: Annotated[int, Field(ge=0, lt=2**63)]
    message: Message | None = None
    callback_query: CallbackQuery | None = None


def parse_update(data: dict[str, Any], bot: Bot) -> Update:
    """A PTB Update built from the validated fields of `data` (already cleaned), or Refused."""
    checked = validate(TelegramUpdate, data)
    try:
        update = Update.de_json(checked.model_dump(by_alias=True, exclude_none=True), bot)
    except (TypeError, ValueError, OverflowError) as err:  # PTB asked for something the schema let through
        raise Refused(BAD_VALUE, f"telegram library: {type(err).__name__}") from None
    assert update is not None
    return update
