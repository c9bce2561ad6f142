"""End to end: items imported with `pcibot import`, 15 working days old, are escalated to the working group's
Telegram chat (real PTB against the fake Bot API) on the first sweep after start, once."""

from __future__ import annotations

import asyncio
import csv
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.app import build, start
from bot.channels.telegram_limits import Limits
from bot.scheduler import Scheduler
from tests.conftest import FakeClock
from tests.fakes.telegram_api import text_of
from tests.fakes.telegram_harness import G_STC, G_WG, Harness

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[1]
# Tue 10/03/2026 09:00 in Lạng Sơn. 15 working days earlier is Tue 10/02/2026: Tết (Mon 16 – Fri 20/02)
# is not counted: 09/03, 06–02/03, 27–23/02 are 11 days, then 13, 12, 11, 10/02.
NOW = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)
RECEIVED = "2026-02-10T09:00:00+07:00"


class ClockedHarness(Harness):
    """The Telegram harness with the application's clock fixed (sweeps depend on office hours)."""

    def __init__(self, db_url: str, clock: FakeClock) -> None:
        super().__init__(db_url, "polling")
        self.clock = clock

    async def start(self) -> None:
        if not self.fake.url:
            await self.fake.start()
        self.app = await build(self.config(), clock=self.clock, migrate=True)
        self.app.channels["telegram"].limiter.limits = Limits(private_burst=50, group_per_minute=100)  # type: ignore[attr-defined]
        await start(self.app, serve_web=False)


@pytest.fixture
async def harness(db_url: str) -> AsyncIterator[ClockedHarness]:
    h = ClockedHarness(db_url, FakeClock(NOW))
    await h.start()
    try:
        yield h
    finally:
        await h.close()


def _import(db_url: str, path: Path) -> list[str]:
    env = {**os.environ, "PCIBOT_DATABASE_URL": db_url, "PCIBOT_CONSOLE": "0"}
    env.pop("PCIBOT_TELEGRAM_TOKEN", None)
    done = subprocess.run(
        [sys.executable, "-m", "bot", "import", str(path)], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=120, check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def _escalations(h: ClockedHarness) -> list[dict[str, Any]]:
    return [m for m in h.fake.to_chat(G_WG) if "Báo cáo Tổ công tác PCI" in text_of(m)]


async def test_old_imported_items_escalate_once(harness: ClockedHarness, tmp_path: Path) -> None:
    await harness.setup_agencies()  # /bindagency in the groups, /bindworkinggroup
    await harness.stop_app()

    items = tmp_path / "hotline.csv"
    with items.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=["text", "agency", "topic", "created_at", "source"])
        writer.writeheader()
        for n in range(3):
            writer.writerow({
                "text": f"Hồ sơ thay đổi đăng ký kinh doanh số {n} bị trả lại nhiều lần, đề nghị hướng dẫn",
                "agency": "so_tai_chinh", "topic": "gia_nhap_thi_truong", "created_at": RECEIVED,
                "source": "hotline",
            })
    codes = _import(harness.db_url, items)
    assert len(codes) == 3

    await harness.start()  # the first sweep runs as the scheduler starts
    await harness.fake.wait_for(lambda m: len(_escalations(harness)) >= 3, timeout=20)
    assert harness.app is not None
    scheduler = next(c for c in harness.app.components if isinstance(c, Scheduler))
    await scheduler.run_sweep()  # a later sweep repeats nothing
    await harness.delivered()
    await asyncio.sleep(0.3)

    escalations = [text_of(m) for m in _escalations(harness)]
    for code in codes:
        mine = [t for t in escalations if code in t]
        assert len(mine) == 1, escalations
        assert "Quá hạn trả lời" in mine[0] and "Quá hạn tiếp nhận" in mine[0] and "Sở Tài chính" in mine[0]
    stc = [text_of(m) for m in harness.fake.to_chat(G_STC)]
    assert all(any(code in t and "Quá hạn trả lời" in t for t in stc) for code in codes)
    listing = [text_of(m) for m in harness.fake.to_chat(G_WG) if "Danh sách phản ánh quá hạn" in text_of(m)]
    assert len(listing) == 1 and all(code in listing[0] for code in codes)
