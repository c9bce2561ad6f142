"""The operator verbs: `pcibot sla report`, `pcibot digest --print --png`, `pcibot report --xlsx`."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.cli import main
from tests.app_support import console_app
from tests.conftest import FakeClock
from tests.digest_week import build_week
from tests.sla_support import act, submit, vn


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """A SQLite database holding the hand-built week W18 and one paused ticket; PCIBOT_* point at it."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"

    async def seed() -> dict[str, str]:
        clock = FakeClock(vn(2026, 4, 1))
        async with console_app(url, clock) as app:
            codes = await build_week(app, clock)
            codes["P"] = await submit(app, clock, vn(2026, 4, 28, 9))
            await act(app, clock, vn(2026, 4, 28, 10), codes["P"], "ask", "Xin bổ sung giấy phép")
            return codes

    codes = asyncio.run(seed())
    monkeypatch.setenv("PCIBOT_DATABASE_URL", url)
    monkeypatch.setenv("PCIBOT_CONSOLE", "0")
    return codes


def test_sla_report_as_of_a_moment(database: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sla", "report", "--at", "2026-04-29T09:00"]) == 0
    out = capsys.readouterr().out
    assert "Tình hình thời hạn lúc 09:00 29/04/2026" in out
    assert "Đang trong giờ gửi nhắc (07:30-17:00" in out
    overdue = out.split("Quá hạn (")[1].split("\n\n")[0]
    assert "chưa trả lời (hạn 21/04/2026)" in overdue and database["T2"] in overdue
    assert database["T4"] not in overdue  # answered since: the report reads today's tickets at that moment
    assert f"{database['T4']} — Sở Xây dựng: có kết quả ngày 29/04/2026" in out  # awaiting the rating
    paused = out.split("Tạm dừng, chờ doanh nghiệp bổ sung thông tin (1):")[1]
    assert database["P"] in paused
    assert main(["sla", "report", "--at", "2026-04-30T09:00"]) == 0  # a holiday
    assert "Ngoài giờ gửi nhắc" in capsys.readouterr().out


def test_digest_print_and_png(database: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    chart = tmp_path / "w18.png"
    assert main(["digest", "--week", "2026-W18", "--print", "--png", str(chart)]) == 0
    out = capsys.readouterr().out
    assert "BẢN TIN TUẦN 18/2026" in out and "Sở Công Thương (100,0 %)" in out
    assert chart.read_bytes().startswith(b"\x89PNG")
    assert main(["digest", "--week", "tuần 18"]) == 2


def test_report_xlsx(database: dict[str, str], tmp_path: Path) -> None:
    out = tmp_path / "bao-cao.xlsx"
    assert main(["report", "--from", "27/04/2026", "--to", "2026-05-03", "--xlsx", str(out)]) == 0
    listing = load_workbook(out)["Danh sách phản ánh"]
    assert listing.max_row == 1 + 8  # seven tickets of the week and the paused one
