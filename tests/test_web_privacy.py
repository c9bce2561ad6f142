"""Automated scan of every public route and of the public channel feed: no submitter data leaks out."""

from __future__ import annotations

import html
import re
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import select

from bot.app import App
from bot.core.publication import MASK, NAME_MASK
from storage.models import OutboxMessage
from tests.app_support import console_app
from tests.conftest import FakeClock
from tests.web_seed import SECRET_DIGITS, SECRETS, THIRD_PERSONS, Seeded, seed, seed_third_persons

CHANNEL = "@langson_pci_public"
SEPARATORS = re.compile(r"[\s.\-()+/]")


@pytest.fixture
async def feed_app(db_url: str, clock: FakeClock) -> AsyncIterator[App]:
    async with console_app(db_url, clock, telegram_public_channel=CHANNEL) as app:
        yield app


def leaks(body: str) -> list[str]:
    """Every secret phrase (case-insensitive) or digit string (ignoring separators) found in a body."""
    lowered = body.lower()
    found = [s for s in SECRETS if s.lower() in lowered]
    digits = SEPARATORS.sub("", body)
    return found + [d for d in SECRET_DIGITS if d in digits]


async def test_no_public_route_or_feed_post_reveals_the_submitter(
    feed_app: App, clock: FakeClock, aiohttp_client: Any
) -> None:
    seeded: Seeded = await seed(feed_app, clock)
    client = await aiohttp_client(feed_app.webapp)
    paths = ["/", "/?lang=en", "/?lang=zh", "/?days=30", "/open-data", "/open-data?lang=en"]
    paths += ["/trends", "/trends?lang=zh"]
    paths += ["/open-data/tickets.csv", "/open-data/tickets.json", "/metrics", "/healthz"]
    paths += [f"/agencies/{a}" for a in feed_app.core.rules.agencies_by_id]
    paths += [f"/topics/{t}" for t in feed_app.core.rules.topics_by_id]
    for code in seeded.all:
        paths += [f"/t/{code}", f"/t/{code}?lang=en", f"/t/{code}?lang=zh"]
        paths += [f"/open311/v2/requests/{code}.json", f"/open311/v2/requests/{code}.xml"]
    since = "start_date=2020-01-01T00:00:00Z"
    paths += [f"/open311/v2/requests.{fmt}?{since}" for fmt in ("json", "xml")]
    paths += [f"/open311/v2/requests.json?service_request_id={','.join(seeded.all)}"]
    paths += ["/open311/v2/discovery.json", "/open311/v2/services.json", "/open311/v2/services.xml"]
    masked = 0
    for path in paths:
        response = await client.get(path)
        body = await response.text()
        assert response.status in (200, 404), path
        assert not leaks(body), (path, leaks(body))
        masked += body.count(MASK)
    assert masked > 20  # the scan looked at text that had personal data in it
    async with feed_app.core.maker() as session:
        posts = (
            (await session.execute(select(OutboxMessage).where(OutboxMessage.audience == "public_feed")))
            .scalars()
            .all()
        )
    assert len(posts) == 4  # one per resolution
    for post in posts:
        assert post.channel == "telegram" and post.chat_id == CHANNEL and post.state == "pending"
        assert not leaks(post.payload["text"]), post.payload["text"]
        assert "http://test.local/t/LS-" in post.payload["text"]


async def test_names_of_third_persons_are_not_published(feed_app: App, aiohttp_client: Any) -> None:
    code = await seed_third_persons(feed_app)
    client = await aiohttp_client(feed_app.webapp)
    paths = [f"/t/{code}", f"/t/{code}?lang=en", f"/open311/v2/requests/{code}.json"]
    paths += [f"/open311/v2/requests/{code}.xml", "/open-data/tickets.csv", "/open-data/tickets.json"]
    for path in paths:
        response = await client.get(path)
        body = html.unescape(await response.text())
        assert response.status == 200, path
        assert not [n for n in THIRD_PERSONS if re.search(rf"\b{n}\b", body)], (path, body)
        assert f"ông {NAME_MASK} yêu cầu" in body and f"chị {NAME_MASK} ở bộ phận một cửa" in body, path
        if "open311" not in path:  # Open311 has the content only, not the answer
            assert f"đồng chí {NAME_MASK}, Phó Chủ tịch UBND xã Đồng Đăng" in body, path
    async with feed_app.core.maker() as session:
        [post] = (
            (await session.execute(select(OutboxMessage).where(OutboxMessage.audience == "public_feed")))
            .scalars()
            .all()
        )
    assert f"ông {NAME_MASK}" in post.payload["text"] and "Thắng" not in post.payload["text"]
