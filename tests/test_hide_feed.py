"""/hide and /unhide, the public channel feed on resolution, and `pcibot apikey` on the command line."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot.app import App
from bot.cli import main
from bot.core import lifecycle
from bot.web.apikeys import hash_key
from storage.models import OutboxMessage, TicketEvent
from tests.app_support import console_app
from tests.conftest import FakeClock
from tests.console_driver import ConsoleDriver
from tests.web_seed import COORDINATOR

CHANNEL = "-1001234567890"


@pytest.fixture
async def feed_app(db_url: str, clock: FakeClock) -> AsyncIterator[App]:
    async with console_app(db_url, clock, telegram_public_channel=CHANNEL) as app:
        yield app


async def _submit(app: App, text: str, **kw: Any) -> str:
    async with app.core.maker() as session, session.begin():
        draft = lifecycle.Draft(text=text, topic_id="gia_nhap_thi_truong", consent_publish=True, **kw)
        return (await lifecycle.submit(session, app.core, draft, COORDINATOR)).code


async def _act(app: App, code: str, action: str, *args: Any) -> None:
    async with app.core.maker() as session, session.begin():
        ticket = await lifecycle.get_ticket(session, code)
        assert ticket is not None
        await getattr(lifecycle, action)(session, app.core, ticket, COORDINATOR, *args)


async def _feed(app: App) -> list[str]:
    async with app.core.maker() as session:
        rows = await session.execute(
            select(OutboxMessage).where(OutboxMessage.audience == "public_feed").order_by(OutboxMessage.id)
        )
        return [row.payload["text"] for row in rows.scalars()]


async def test_hide_and_unhide_by_the_coordinator_only(feed_app: App, aiohttp_client: Any) -> None:
    code = await _submit(feed_app, "Thủ tục cấp giấy phép kinh doanh chậm")
    client = await aiohttp_client(feed_app.webapp)
    driver = ConsoleDriver(feed_app)
    await driver.type("/as enterprise")
    assert "điều phối" in await driver.type(f"/hide {code} lý do")
    await driver.type("/as officer so_tai_chinh")
    assert "Chỉ bộ phận điều phối" in await driver.type(f"/hide {code} lý do")
    await driver.type("/as coordinator")
    assert "Cú pháp: /hide" in await driver.type(f"/hide {code}")
    assert "Đã ẩn" in await driver.type(f"/hide {code.lower()} Có thông tin cá nhân của bên thứ ba")
    assert "đang bị ẩn" in await driver.type(f"/hide {code} lần nữa")
    assert (await client.get(f"/t/{code}")).status == 404
    assert code not in await (await client.get("/open-data/tickets.csv")).text()
    assert "Hiện đang ẩn: 1; tổng số lần ẩn: 1" in await (await client.get("/open-data")).text()
    assert "đã hiển thị lại" in await driver.type(f"/unhide {code}")
    assert "không bị ẩn" in await driver.type(f"/unhide {code}")
    assert (await client.get(f"/t/{code}")).status == 200
    assert "Hiện đang ẩn: 0; tổng số lần ẩn: 1" in await (await client.get("/open-data")).text()
    async with feed_app.core.maker() as session:
        events = await session.execute(select(TicketEvent).where(TicketEvent.action.in_(["hidden", "unhidden"])))
        logged = [(e.action, e.actor_kind, e.reason) for e in events.scalars()]
    assert logged == [
        ("hidden", "coordinator", "Có thông tin cá nhân của bên thứ ba"),
        ("unhidden", "coordinator", None),
    ]


async def test_each_resolution_is_posted_to_the_public_channel(feed_app: App) -> None:
    code = await _submit(feed_app, "Hồ sơ đăng ký doanh nghiệp bị trả lại nhiều lần")
    await _act(feed_app, code, "resolve", "Sở Tài chính đã hướng dẫn bổ sung hồ sơ.")
    [post] = await _feed(feed_app)
    assert post.startswith(f"✅ Phản ánh {code} đã được trả lời")
    assert "Cơ quan chủ trì: Sở Tài chính" in post and "Lĩnh vực: Gia nhập thị trường" in post
    assert "Nội dung: Hồ sơ đăng ký doanh nghiệp bị trả lại nhiều lần" in post
    assert "Trả lời: Sở Tài chính đã hướng dẫn bổ sung hồ sơ." in post
    assert post.endswith(f"Chi tiết: http://test.local/t/{code}")
    await _act(feed_app, code, "reopen", "chưa xong")
    await _act(feed_app, code, "resolve", "Đã cấp giấy chứng nhận.")
    assert len(await _feed(feed_app)) == 2  # a second resolution is a second post
    secret = await _submit(feed_app, "Tố cáo cán bộ X", kind="to_cao")
    await _act(feed_app, secret, "resolve", "Đã xác minh, xử lý cán bộ X.")
    restricted = (await _feed(feed_app))[-1]
    assert secret in restricted and "cán bộ X" not in restricted and "Nội dung" not in restricted
    hidden = await _submit(feed_app, "Sẽ bị ẩn")
    driver = ConsoleDriver(feed_app)
    await driver.type("/as coordinator")
    await driver.type(f"/hide {hidden} trùng lặp")
    await _act(feed_app, hidden, "resolve", "Đã trả lời")
    assert len(await _feed(feed_app)) == 3  # nothing for a hidden ticket


async def test_no_feed_without_a_public_channel(app: App) -> None:
    code = await _submit(app, "Thủ tục chậm")
    await _act(app, code, "resolve", "Đã xử lý")
    assert await _feed(app) == []


def test_apikey_cli_prints_the_key_once_and_revokes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)  # no .env
    monkeypatch.setenv("PCIBOT_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("PCIBOT_LOG_LEVEL", "WARNING")
    assert main(["apikey", "create", "Cổng thông tin điện tử tỉnh"]) == 0
    created = capsys.readouterr()
    key = created.out.strip()
    assert re.fullmatch(r"pcb_[\w-]{40,}", key) and "chỉ hiển thị một lần" in created.err
    with sqlite3.connect(tmp_path / "cli.db") as db:
        [(key_id, key_hash, revoked_at)] = db.execute("SELECT id, key_hash, revoked_at FROM api_keys").fetchall()
    assert key_hash == hash_key(key) and key not in key_hash and revoked_at is None
    assert main(["apikey", "revoke", str(key_id)]) == 0
    assert f"#{key_id}" in capsys.readouterr().out
    with sqlite3.connect(tmp_path / "cli.db") as db:
        assert db.execute("SELECT revoked_at FROM api_keys").fetchone()[0] is not None
    assert main(["apikey", "revoke", "Cổng thông tin điện tử tỉnh"]) == 1
    assert "Không có khoá API" in capsys.readouterr().err
