"""Zalo OA business, Telegram officers: both fakes, the real application with its background loops, and /link."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from typing import Any

import pytest
from pydantic import SecretStr

from bot.config import Config
from tests.fakes.running import started
from tests.fakes.telegram_api import text_of
from tests.fakes.telegram_harness import G_THUE, TAX_TEXT, Harness
from tests.fakes.zalo_oa import FakeZaloOA, SentMessage

pytestmark = pytest.mark.e2e

USER = "6142494823123456789"


class BothHarness(Harness):
    """The Telegram harness with the Zalo OA channel enabled against FakeZaloOA."""

    def __init__(self, db_url: str) -> None:
        super().__init__(db_url, "polling")
        self.zalo = FakeZaloOA()

    def config(self) -> Config:
        return (
            super()
            .config()
            .model_copy(
                update={
                    "zalo_app_id": self.zalo.app_id,
                    "zalo_app_secret": SecretStr(self.zalo.app_secret),
                    "zalo_oa_secret": SecretStr(self.zalo.oa_secret),
                    "zalo_refresh_token": SecretStr(self.zalo.refresh_token),
                    "zalo_api_url": self.zalo.url,
                    "zalo_oauth_url": self.zalo.url,
                }
            )
        )

    async def start(self) -> None:
        if self.zalo._server is None:
            await self.zalo.start()
        await super().start()

    async def close(self) -> None:
        await super().close()
        await self.zalo.stop()

    async def zalo_says(self, body: dict[str, Any], contains: str) -> SentMessage:
        """Zalo delivers the user's event; wait for the bot's next message to them containing `contains`."""
        mark = len(self.zalo.sent)
        assert await self.zalo.post(f"http://127.0.0.1:{self.port}/zalo/webhook", body) == 200
        for _ in range(200):
            found = [m for m in self.zalo.sent[mark:] if m.user_id == USER and contains in m.text]
            if found:
                return found[-1]
            await asyncio.sleep(0.05)
        raise AssertionError(f"no Zalo message containing {contains!r}: {[m.text[:60] for m in self.zalo.sent[-4:]]}")

    async def zalo_press(self, label: str, contains: str) -> SentMessage:
        last = [m for m in self.zalo.sent if m.user_id == USER][-1]
        return await self.zalo_says(self.zalo.press(USER, last, label), contains)


@pytest.fixture
async def h(db_url: str) -> AsyncIterator[BothHarness]:
    async with started(BothHarness(db_url)) as harness:
        yield harness


async def test_intake_on_zalo_answered_in_telegram_then_linked(h: BothHarness) -> None:
    await h.setup_agencies()
    z = h.zalo
    await h.zalo_says(z.text(USER, TAX_TEXT), "thuộc loại nào")
    await h.zalo_press("Phản ánh", "họ tên")
    await h.zalo_says(z.text(USER, "Nguyễn Văn An"), "số điện thoại")
    await h.zalo_says(z.text(USER, "0912345678"), "Tên doanh nghiệp")
    await h.zalo_press("Bỏ qua", "Mã số thuế")
    await h.zalo_press("Bỏ qua", "Xã, phường")
    await h.zalo_press("Bỏ qua", "giữ bí mật")
    await h.zalo_press("Không", "công khai")
    await h.zalo_press("Có", "kiểm tra lại")
    receipt = await h.zalo_press("Gửi", "Mã tra cứu")
    found = re.search(r"LS-[0-9A-Z]{6}", receipt.text)
    assert found, receipt.text
    code = found.group(0)

    # the officer works in Telegram, in the ticket's forum topic; the channel the business used does not matter
    card = await h.fake.next_to(G_THUE, code, after=0)
    assert "Nguyễn Văn An" in text_of(card)
    tid = card["message_thread_id"]
    h.fake.text(
        h.officer, "/resolve Đã hoàn thuế ngày 12/03, mời doanh nghiệp kiểm tra tài khoản", h.thue, thread_id=tid
    )
    answer = await h.zalo_says(z.text(USER, "/status"), "Đã hoàn thuế ngày 12/03")
    assert code in answer.text and "Hùng" not in answer.text
    answers = [m for m in z.sent if "kiểm tra tài khoản" in m.text and "hài lòng" in m.text]
    assert len(answers) == 1 and "[6] Chưa giải quyết xong" in answers[0].text
    mark = h.fake.mark
    await h.zalo_says(z.text(USER, "5"), "đã đánh giá")
    await h.fake.next_to(G_THUE, "5/5", after=mark, thread_id=tid)
    assert (await h.ticket(code)).rating == 5

    # the same business on Telegram links both identities and then sees the Zalo ticket there
    biz = h.fake.user(10, "An", last_name="Nguyễn")
    linking = await h.zalo_says(z.text(USER, "/link"), "Mã liên kết")
    link_code = re.search(r"/link (\S+)", linking.text)
    assert link_code, linking.text
    assert "Đã liên kết" in text_of(await h.say(biz, f"/link {link_code.group(1)}"))
    for _ in range(200):  # the Zalo side is told too
        if any("Đã liên kết" in m.text for m in z.sent):
            break
        await asyncio.sleep(0.05)
    else:
        raise AssertionError("the Zalo identity was not told about the link")
    assert code in text_of(await h.say(biz, "/status"))
    assert "không đúng" in text_of(await h.say(biz, f"/link {link_code.group(1)}"))  # one time only
