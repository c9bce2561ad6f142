"""`pcibot report`: the Excel workbook opens with openpyxl and holds the right sheets and rows."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from openpyxl import load_workbook

from bot.app import App
from bot.core.reports import write_report
from tests.conftest import FakeClock
from tests.digest_week import build_week


async def test_report_for_the_holiday_week(app: App, clock: FakeClock, tmp_path: Path) -> None:
    codes = await build_week(app, clock)
    out = tmp_path / "bao-cao.xlsx"
    await write_report(app.core, date(2026, 4, 27), date(2026, 5, 3), out)

    wb = load_workbook(out)
    assert wb.sheetnames[:3] == ["Theo cơ quan", "Theo lĩnh vực", "Danh sách phản ánh"]
    assert {"Sở Tài chính", "Sở Xây dựng", "Sở Công Thương", "LV Gia nhập thị trường"} <= set(wb.sheetnames)

    summary = wb["Theo cơ quan"]
    header = [c.value for c in summary[2]]
    assert header[:4] == ["Tên", "Tiếp nhận", "Đã trả lời", "Trả lời đúng hạn"]
    rows = {r[0]: r for r in summary.iter_rows(min_row=3, values_only=True)}
    assert rows["Sở Tài chính"][1:8] == (2, 2, 2, 2, 2, 1, 2 / 3)
    assert rows["Sở Xây dựng"][header.index("Chuyển đi")] == 1

    listing = wb["Danh sách phản ánh"]
    lheader = [c.value for c in listing[1]]
    listed = {r[0]: dict(zip(lheader, r, strict=True)) for r in listing.iter_rows(min_row=2, values_only=True)}
    # received in the period, answered in it, or still open at its end: all seven
    assert set(listed) == set(codes.values())
    t1 = listed[codes["T1"]]
    assert t1["Cơ quan chủ trì"] == "Sở Tài chính" and t1["Lĩnh vực"] == "Gia nhập thị trường"
    assert t1["Ngày có kết quả"] == datetime(2026, 5, 1, 10, 0)  # Vietnam time, as officers read it
    assert t1["Hạn trả lời"].date() == date(2026, 5, 5)
    assert listed[codes["T5"]]["Đánh giá"] == 5

    agency = wb["Sở Tài chính"]
    assert agency["A5"].value == "Mã"  # title, stats header, stats row, blank line, then the tickets
    own = [r[0] for r in agency.iter_rows(min_row=6, values_only=True)]
    assert sorted(own) == sorted(codes[k] for k in ("T1", "T2", "T3", "T6"))
