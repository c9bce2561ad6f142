"""Outbound storms and flood limits: every message once, no window over Telegram's caps (the fake measures)."""

from __future__ import annotations

import pytest

from bot.channels.base import Outgoing
from bot.channels.telegram_limits import Limits
from bot.core import notify
from tests.fakes.storm import storm
from tests.fakes.telegram_harness import Harness

pytestmark = pytest.mark.e2e


async def test_storm_of_429s_and_500s_delivers_each_message_once_within_the_caps(db_url: str) -> None:
    # the production limiter; only the group window is shortened (5 per 3 s instead of 20 per 60 s) to fit CI
    limits = Limits(group_per_minute=5, group_window_seconds=3.0)
    figures = await storm(db_url, 240, limits=limits, p429=0.05, p500=0.05, timeout=60)
    assert figures.hits_429 > 0 and figures.hits_500 > 0
    assert (figures.delivered, figures.duplicates) == (240, 0), figures.line()
    assert figures.max_per_second <= 30, figures.line()
    assert figures.max_group_per_minute <= 5, figures.line()


async def test_first_answers_never_exceed_thirty_in_any_second(db_url: str) -> None:
    """Defect 8: 1,000 first answers went out at 30.4/s on average but 49 inside one second."""
    harness = Harness(db_url)
    await harness.start()
    try:
        app = harness.app
        assert app is not None
        app.channels["telegram"].limiter.limits = Limits()  # type: ignore[attr-defined]
        async with app.core.maker() as session, session.begin():
            for uid in range(100, 200):
                notify.enqueue(
                    session,
                    app.core.now(),
                    channel="telegram",
                    chat_id=str(uid),
                    audience="business",
                    message=Outgoing("Cảm ơn Quý doanh nghiệp"),
                )
        app.sender.wake()
        for uid in range(100, 200):
            await harness.fake.next_to(uid, after=0, timeout=30)
        assert harness.fake.max_per_window(1.0) <= 30
    finally:
        await harness.close()
