"""The operator verbs: `pcibot sla report`, `pcibot digest --print --png`, `pcibot report --xlsx / --docx`."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from docx import Document
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


def test_report_for_a_quarter_as_word(
    database: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "bao-cao-q2.docx"
    assert main(["report", "--quarter", "2026-Q2", "--docx", str(out)]) == 0
    # T2 (due 21/04) and T6 (transferred on 29/04) still open at the end of June; P paused before its deadline
    assert "Quý II năm 2026: tiếp nhận 8, đã trả lời 5 (đúng hạn 4), quá hạn 2." in capsys.readouterr().err
    doc = Document(str(out))
    texts = [p.text for p in doc.paragraphs]
    assert "Quý II năm 2026" in texts
    assert "Trong kỳ, Hệ thống tiếp nhận 8 phản ánh, kiến nghị của doanh nghiệp." in texts
    lagging = [[c.text for c in row.cells] for row in doc.tables[3].rows[1:]]
    assert lagging == [  # both at 2 ÷ 4: the one with more overdue items first
        ["Sở Tài chính", "5", "2", "2", "2", "50,0 %"],  # T1, T3 on time; T2, T6 overdue; P paused
        ["Sở Xây dựng", "2", "2", "1", "0", "50,0 %"],  # T4 late, T5 on time
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--quarter", "2026-Q5", "--docx", "x.docx"], "Quý không hợp lệ: '2026-Q5'. Vui lòng ghi theo dạng YYYY-Qn"),
        (["--quarter", "2026-Q4", "--from", "01/10/2026", "--xlsx", "x.xlsx"], "không dùng cả hai"),
        (["--from", "01/10/2026", "--xlsx", "x.xlsx"], "Vui lòng chọn kỳ báo cáo: --quarter YYYY-Qn"),
        (["--quarter", "2026-Q4"], "Vui lòng chọn ít nhất một tệp kết quả: --xlsx TỆP và/hoặc --docx TỆP."),
        (["--from", "31/12/2026", "--to", "01/10/2026", "--xlsx", "x.xlsx"], "Ngày kết thúc phải sau ngày bắt đầu."),
    ],
)
def test_report_refuses_a_bad_period_politely(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PCIBOT_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'none.db'}")
    assert main(["report", *args]) == 2
    assert message in capsys.readouterr().err
    assert not list(tmp_path.iterdir())  # refused before opening the database or writing a file
