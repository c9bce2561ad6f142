"""The home page and a ticket page rendered by Debian's headless Chromium: the DOM a reader's browser builds."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.app import App
from tests.app_support import console_app
from tests.conftest import FakeClock
from tests.web_seed import SCRIPT, seed

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="the chromium binary is absent (apt-get install chromium)"),
]
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-background-timer-throttling",
    "--disable-component-update",
    "--disable-default-apps",
    "--disable-domain-reliability",
    "--disable-extensions",
    "--disable-sync",
    "--disable-breakpad",
    "--disable-client-side-phishing-detection",
    "--disable-features=Translate,OptimizationHints,MediaRouter,AutofillServerCommunication",
    "--metrics-recording-only",
    "--no-default-browser-check",
    "--no-first-run",
    "--no-pings",
    "--mute-audio",
    "--hide-scrollbars",
    "--window-size=412,915",  # a phone
)


async def chromium(profile: Path, *args: str) -> str:
    """Run headless Chromium without blocking the event loop that serves the page."""
    assert CHROMIUM is not None
    proc = await asyncio.create_subprocess_exec(
        CHROMIUM,
        *FLAGS,
        f"--user-data-dir={profile}",
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(proc.communicate(), timeout=90)
    assert proc.returncode == 0, stderr.decode(errors="replace")[-2000:]
    return stdout.decode("utf-8")


@pytest.fixture
async def sqlite_app(sqlite_url: str, clock: FakeClock) -> AsyncIterator[App]:
    """The browser sees HTML, whatever the database: SQLite only, to keep the suite fast."""
    async with console_app(sqlite_url, clock) as app:
        yield app


async def test_home_and_ticket_pages_render_in_chromium(
    sqlite_app: App, clock: FakeClock, aiohttp_client: Any, tmp_path: Path
) -> None:
    app = sqlite_app
    seeded = await seed(app, clock)
    client = await aiohttp_client(app.webapp)
    home_url = str(client.make_url("/"))
    dom = await chromium(tmp_path / "profile", "--dump-dom", home_url)
    assert '<html lang="vi">' in dom
    assert "Kết quả giải quyết phản ánh, kiến nghị của doanh nghiệp" in dom
    assert 'class="league"' in dom and "Sở Tài chính" in dom and "100,0 %" in dom
    assert f'href="/t/{seeded.pii}"' in dom
    shot = tmp_path / "home.png"
    await chromium(tmp_path / "profile", f"--screenshot={shot}", home_url)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 5000
    ticket = await chromium(tmp_path / "profile", "--dump-dom", str(client.make_url(f"/t/{seeded.script}")))
    assert f"Phản ánh {seeded.script}" in ticket
    assert "&lt;script&gt;alert('xss')&lt;/script&gt;" in ticket  # shown as text, never run
    assert SCRIPT not in ticket
    assert "Quá trình xử lý" in ticket and "Tiếp nhận phản ánh" in ticket
    await chromium(
        tmp_path / "profile", f"--screenshot={tmp_path / 'ticket.png'}", str(client.make_url(f"/t/{seeded.pii}"))
    )
    assert (tmp_path / "ticket.png").stat().st_size > 5000
