"""Drives the real application (real PTB, real aiohttp server) against the fake Bot API, as people would."""

from __future__ import annotations

import asyncio
import re
import socket
from typing import Any

from sqlalchemy import func, select

from bot.app import App, build, start, stop
from bot.channels.telegram_limits import Limits
from bot.config import Config
from storage.models import OutboxMessage, ProcessedEvent, Ticket
from tests.fakes.telegram_api import FakeTelegram, buttons_of, text_of

TOKEN = "123456:TEST-token"
SECRET = "s3cret_Webhook-token"
TAX_TEXT = "Hoàn thuế giá trị gia tăng bị chậm, cơ quan thuế yêu cầu bổ sung hồ sơ nhiều lần"
# Groups: thue_tinh (forum), so_tai_chinh (plain supergroup), working group.
G_THUE, G_STC, G_WG = -1001001, -1001002, -1001003


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Harness:
    """One fake Telegram, one application (rebuildable on the same database)."""

    def __init__(self, db_url: str, mode: str = "polling") -> None:
        self.db_url = db_url
        self.mode = mode
        self.fake = FakeTelegram(TOKEN)
        self.app: App | None = None
        self.port = free_port()
        self.admin = self.fake.user(1, "Quản Trị")
        self.officer = self.fake.user(2, "Hùng", last_name="Cán Bộ")
        self.stranger = self.fake.user(3, "Người Lạ")
        self.officer2 = self.fake.user(4, "Lan", last_name="Cán Bộ")
        self.thue = self.fake.group(G_THUE, "Cục Thuế — phản ánh", forum=True)
        self.stc = self.fake.group(G_STC, "Sở Tài chính — phản ánh")
        self.wg = self.fake.group(G_WG, "Tổ công tác PCI")

    def config(self) -> Config:
        values: dict[str, Any] = {
            "database_url": self.db_url,
            "console": False,
            "public_url": "http://test.local",
            "web_host": "127.0.0.1",
            "web_port": self.port,
            "admins": ["telegram:1"],
            "telegram_token": TOKEN,
            "telegram_api_url": self.fake.url,
        }
        if self.mode == "webhook":
            values["telegram_webhook_url"] = f"http://127.0.0.1:{self.port}/telegram/hook"
            values["telegram_webhook_secret"] = SECRET
        return Config(**values)

    async def start(self) -> None:
        if not self.fake.url:
            await self.fake.start()
        await self.build_app()
        assert self.app is not None
        await start(self.app, serve_web=True)

    async def build_app(self) -> None:
        """The application, built but not started."""
        self.app = await build(self.config(), migrate=True)
        channel = self.app.channels["telegram"]
        # Dialogs in tests run faster than a person types; the limiter itself is tested on its own.
        channel.limiter.limits = Limits(private_burst=50, group_per_minute=100)  # type: ignore[attr-defined]

    async def stop_app(self) -> None:
        if self.app is not None:
            await stop(self.app)
            self.app = None

    async def restart(self) -> None:
        await self.stop_app()
        await self.start()

    async def close(self) -> None:
        await self.stop_app()
        await self.fake.stop()

    # -- people act ------------------------------------------------------------------------------------
    async def say(
        self, user: dict[str, Any], text: str, chat: dict[str, Any] | None = None, contains: str = "", **kw: Any
    ) -> dict[str, Any]:
        """Type a message and return the bot's next message in that chat."""
        mark = self.fake.mark
        self.fake.text(user, text, chat, **kw)
        cid = (chat or {"id": user["id"]})["id"]
        return await self.fake.next_to(cid, contains, after=mark)

    async def press(
        self, user: dict[str, Any], message: dict[str, Any], data: str, contains: str = ""
    ) -> dict[str, Any]:
        mark = self.fake.mark
        self.fake.press(user, message, data)
        return await self.fake.next_to(message["chat"]["id"], contains, after=mark)

    async def processed(self, update: dict[str, Any], timeout: float = 10) -> None:
        """Wait until the application has committed an update."""
        assert self.app is not None
        key = ("telegram", str(update["update_id"]))
        for _ in range(int(timeout / 0.05)):
            async with self.app.core.maker() as session:
                if await session.get(ProcessedEvent, key) is not None:
                    return
            await asyncio.sleep(0.05)
        raise AssertionError(f"update {key} never processed")

    async def setup_agencies(self) -> None:
        """Admin binds the groups and invites an officer into each agency."""
        await self.say(self.admin, "/bindagency thue_tinh", self.thue)
        await self.say(self.admin, "/bindagency so_tai_chinh", self.stc)
        await self.say(self.admin, "/bindworkinggroup", self.wg)
        for officer, agency, group in (
            (self.officer, "thue_tinh", self.thue),
            (self.officer2, "so_tai_chinh", self.stc),
        ):
            invite = await self.say(self.admin, f"/invite {agency}")
            code = re.search(r"/join (\S+)", text_of(invite))
            assert code, text_of(invite)
            await self.say(officer, f"/join {code.group(1)}", group)

    async def submit(
        self,
        user: dict[str, Any],
        text: str = TAX_TEXT,
        *,
        photo: str | None = "photo-biz-1",
        confidential: bool = False,
        name: str = "Nguyễn Văn An",
        phone: str = "+84912345678",
        share_contact: bool = True,
    ) -> str:
        """The whole intake dialog; returns the tracking code."""
        fake, cid = self.fake, user["id"]
        mark = fake.mark
        if photo:
            fake.photo(user, photo, caption=text)
        else:
            fake.text(user, text)
        msg = await fake.next_to(cid, after=mark)
        msg = await self.press(user, msg, "kind:phan_anh")
        msg = await self.say(user, name)
        assert msg.get("_keyboard", {}).get("keyboard"), "the phone question offers the contact button"
        mark = fake.mark
        if share_contact:
            fake.contact(user, phone)
        else:
            fake.text(user, phone)
        msg = await fake.next_to(cid, after=mark)
        for _ in range(3):  # company, tax code, commune
            msg = await self.press(user, msg, "skip")
        msg = await self.press(user, msg, "conf:yes" if confidential else "conf:no")
        msg = await self.press(user, msg, "consent:no" if confidential else "consent:yes")
        assert "confirm:send" in buttons_of(msg), text_of(msg)
        receipt = await self.press(user, msg, "confirm:send")
        code = re.search(r"LS-[0-9A-Z]{6}", text_of(receipt))
        assert code, text_of(receipt)
        return code.group(0)

    async def ticket(self, code: str) -> Ticket:
        assert self.app is not None
        async with self.app.core.maker() as session:
            row = (await session.execute(select(Ticket).where(Ticket.code == code))).scalar_one()
            return row

    async def outbox_counts(self) -> dict[str, int]:
        assert self.app is not None
        async with self.app.core.maker() as session:
            rows = await session.execute(
                select(OutboxMessage.state, func.count())
                .where(OutboxMessage.channel == "telegram")
                .group_by(OutboxMessage.state)
            )
            return {str(s): int(n) for s, n in rows.tuples()}

    async def delivered(self, timeout: float = 30) -> None:
        """Wait until no telegram outbox row is pending or being sent."""
        for _ in range(int(timeout / 0.1)):
            counts = await self.outbox_counts()
            if not counts.get("pending") and not counts.get("sending"):
                return
            await asyncio.sleep(0.1)
        raise AssertionError(f"outbox not drained: {await self.outbox_counts()}")
