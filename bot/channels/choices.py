"""Buttons as numbered choices ("[1] Có") for channels without buttons, and the digit reply that presses one."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bot.channels.base import Button
from bot.core.clock import now_utc
from storage.models import KeyValue


def flatten(buttons: list[list[Button]]) -> list[Button]:
    """The buttons of every row, in reading order (their 1-based position is their number)."""
    return [b for row in buttons for b in row]


def choice_lines(choices: list[Button]) -> list[str]:
    """One line per choice: '  [1] label'."""
    return [f"  [{i}] {b.label}" for i, b in enumerate(choices, 1)]


def pick(text: str, choices: list[Button]) -> str | None:
    """The payload of the choice whose number was typed, or None when the text is not such a number."""
    text = text.strip()
    if text.isdigit() and 1 <= int(text) <= len(choices):
        return choices[int(text) - 1].payload
    return None


def _key(channel: str, chat_id: str) -> str:
    return f"choices:{channel}:{chat_id}"


async def remember(session: AsyncSession, channel: str, chat_id: str, choices: list[Button]) -> None:
    """Keep the choices last shown in a chat (a row, so any replica understands the digit reply)."""
    value = {"choices": [[b.label, b.payload] for b in choices]}
    row = await session.get(KeyValue, _key(channel, chat_id))
    if row is None:
        session.add(KeyValue(key=_key(channel, chat_id), value=value, updated_at=now_utc()))
    else:
        row.value, row.updated_at = value, now_utc()


async def recall(session: AsyncSession, channel: str, chat_id: str) -> list[Button]:
    """The choices last shown in a chat (empty when the last message had none)."""
    row = await session.get(KeyValue, _key(channel, chat_id))
    if row is None:
        return []
    return [Button(label, payload) for label, payload in row.value.get("choices", [])]
