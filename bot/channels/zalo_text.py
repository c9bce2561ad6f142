"""Text for both Zalo APIs: NFC, 2,000-character parts on sentence boundaries sent once, the "text please" note."""

from __future__ import annotations

import unicodedata
from collections.abc import Awaitable, Callable

from sqlalchemy.exc import IntegrityError

from bot.channels.base import Attachment, Outgoing, SendResult
from bot.channels.choices import choice_lines, flatten
from bot.core import notify
from bot.core.i18n import t
from bot.core.services import Core
from storage import delivery
from storage.models import KeyValue

LIMIT = 2000
# Cut preferences, best first: paragraph, line, sentence end, clause, word.
_BREAKS = ("\n\n", "\n", ". ", "! ", "? ", "… ", "。", "！", "？", "; ", ", ", " ")


def units(text: str) -> int:
    """Length as Zalo's JavaScript/Java servers count it (UTF-16 code units: an emoji counts 2)."""
    return len(text.encode("utf-16-le")) // 2


def _fit(text: str, limit: int) -> int:
    """The largest prefix length (in characters) whose UTF-16 length is at most `limit`."""
    if units(text) <= limit:
        return len(text)
    count = 0
    for index, char in enumerate(text):
        count += 2 if ord(char) > 0xFFFF else 1
        if count > limit:
            return index
    return len(text)


def split(text: str, limit: int = LIMIT) -> list[str]:
    """NFC-normalised parts of at most `limit` units, cut at the best boundary in the second half."""
    rest = unicodedata.normalize("NFC", text).strip()
    parts: list[str] = []
    while units(rest) > limit:
        window = rest[: _fit(rest, limit)]
        cut = 0
        for mark in _BREAKS:
            at = window.rfind(mark)
            if at >= len(window) // 2:
                cut = at + len(mark)
                break
        if cut == 0:
            cut = len(window)
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest or not parts:
        parts.append(rest)
    return parts


def attachment_lines(attachments: list[Attachment]) -> list[str]:
    """Links for platform files (Zalo has no way to forward another platform's file id); inline images skipped."""
    return [f"📎 {a.name or a.kind}: {a.ref}" for a in attachments if a.data is None and a.ref.startswith("http")]


def numbered_text(message: Outgoing) -> str:
    """The message with its buttons as numbered choices and its file links, for a channel without buttons."""
    lines = [message.text, *attachment_lines(message.attachments), *choice_lines(flatten(message.buttons))]
    return "\n".join(line for line in lines if line)


async def send_parts(
    core: Core, key: str, parts: list[str], send: Callable[[int, str], Awaitable[SendResult]]
) -> SendResult:
    """Send the parts in order; a retry after a partial failure resumes after the last part delivered."""
    async with core.maker() as session:
        progress = await session.get(KeyValue, key) if len(parts) > 1 else None
    result = SendResult(ok=True)
    for index in range(int(progress.value.get("sent", 0)) if progress is not None else 0, len(parts)):
        result = await send(index, parts[index])
        if not result.ok or len(parts) == 1:
            return result
        async with core.maker() as session, session.begin():
            row = await session.get(KeyValue, key)
            if row is None:
                session.add(KeyValue(key=key, value={"sent": index + 1}, updated_at=core.now()))
            else:
                row.value = {"sent": index + 1}
    return result


async def ask_for_text(core: Core, channel: str, chat_id: str, user_id: str, event_id: str | None) -> bool:
    """Answer a sticker, voice or location politely asking for text; False if it was answered before."""
    try:
        async with core.maker() as session, session.begin():
            identity = await delivery.identity_of_user(session, channel, user_id)
            notify.enqueue(
                session,
                core.now(),
                channel=channel,
                chat_id=chat_id,
                audience="reply",
                message=Outgoing(t("unsupported_content", identity.language if identity else "vi")),
                identity_id=identity.id if identity else None,
                dedupe_key=f"{channel}-unsupported:{event_id}" if event_id else None,
            )
    except IntegrityError:  # answered already, before a crash
        return False
    return True
