"""Outbound storms: many outbox rows through the real sender and PTB while the fake answers random 429/500."""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import func, select

from bot.channels.base import Outgoing
from bot.channels.telegram_limits import Limits
from bot.core import notify
from storage.models import OutboxMessage
from tests.fakes.telegram_api import Chaos, text_of
from tests.fakes.telegram_harness import Harness

PREFIX = "Thông báo thử tải số "


@dataclass
class StormFigures:
    """What the fake measured."""

    messages: int
    delivered: int
    duplicates: int
    max_per_second: int
    max_group_per_minute: int
    hits_429: int
    hits_500: int
    seconds: float

    def line(self) -> str:
        return (
            f"messages={self.messages} delivered={self.delivered} duplicates={self.duplicates} "
            f"max_per_second={self.max_per_second} max_group_per_minute={self.max_group_per_minute} "
            f"429s={self.hits_429} 500s={self.hits_500} seconds={self.seconds:.1f}"
        )


def _chats(messages: int, group_share: float, per_group: int, rng: random.Random) -> list[str]:
    """A chat for each message: private chats (a few messages each) and groups (`per_group` at most each)."""
    in_groups = round(messages * group_share)
    groups = [str(-1_000_000_000_000 - i) for i in range(-(-in_groups // per_group))]
    privates = [str(10_000 + i) for i in range(max(1, (messages - in_groups) // 2))]
    chats = [groups[i % len(groups)] for i in range(in_groups)]
    chats += [rng.choice(privates) for _ in range(messages - in_groups)]
    rng.shuffle(chats)
    return chats


async def storm(
    db_url: str,
    messages: int,
    *,
    limits: Limits | None = None,
    group_share: float = 0.2,
    p429: float = 0.03,
    p500: float = 0.03,
    seed: int = 1,
    timeout: float = 3600.0,
) -> StormFigures:
    """Enqueue `messages` rows at once, let the application deliver them all, and read the fake's figures."""
    limits = limits or Limits()
    rng = random.Random(seed)
    chats = _chats(messages, group_share, max(1, limits.group_per_minute // 2), rng)
    harness = Harness(db_url)
    fake = harness.fake
    for chat in {c for c in chats if c.startswith("-")}:
        fake.group(int(chat), f"Nhóm {chat}")
    await harness.start()
    try:
        app = harness.app
        assert app is not None
        app.channels["telegram"].limiter.limits = limits  # type: ignore[attr-defined]
        fake.chaos = Chaos(rng, p429, p500)
        async with app.core.maker() as session, session.begin():
            now = app.core.now()
            for i, chat in enumerate(chats):
                audience = "agency" if chat.startswith("-") else "business"
                notify.enqueue(
                    session, now, channel="telegram", chat_id=chat, audience=audience, message=Outgoing(f"{PREFIX}{i}")
                )
        began = time.monotonic()
        app.sender.wake()
        sent = select(func.count()).select_from(OutboxMessage).where(OutboxMessage.state == "sent")
        while time.monotonic() - began < timeout:
            async with app.core.maker() as session:
                if (await session.execute(sent)).scalar_one() >= messages:
                    break
            await asyncio.sleep(0.25)
        seconds = time.monotonic() - began
        copies = Counter(text_of(m) for m in fake.sent if text_of(m).startswith(PREFIX))
        return StormFigures(
            messages=messages,
            delivered=len(copies),
            duplicates=sum(copies.values()) - len(copies),
            max_per_second=fake.max_per_window(1.0),
            max_group_per_minute=fake.max_group_per_window(limits.group_window_seconds),
            hits_429=fake.chaos.hits[429],
            hits_500=fake.chaos.hits[500],
            seconds=seconds,
        )
    finally:
        await harness.close()
