"""`pcibot report`: the workbook and the Word report open with openpyxl / python-docx and hold the computed figures."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from bot.app import App
from bot.core.reports import ReportPeriod, write_report
from tests.conftest import FakeClock
from tests.digest_week import build_week
from tests.quarter_seed import PERSONAL, RECOMMENDATIONS, seed_quarter
from tests.sla_support import vn

TOPIC_COLUMNS = 10
# group, name, received, answered, on time, on-time rate, overdue open, accepted, under study, not accepted
EXPECTED_TOPICS: list[tuple[Any, ...]] = [
    ("PCI", "Gia nhập thị trường", 4, 4, 4, 1.0, 0, 0, 0, 0),
    ("PCI", "Tiếp cận đất đai và nguồn lực", 6, 6, 6, 1.0, 0, 0, 0, 0),
    ("PCI", "Tính minh bạch", 0, 0, 0, None, 0, 0, 0, 0),
    ("PCI", "Chi phí tuân thủ thủ tục hành chính", 1, 1, 1, 1.0, 0, 0, 0, 0),
    ("PCI", "Chi phí không chính thức", 0, 0, 0, None, 0, 0, 0, 0),
    ("PCI", "Cạnh tranh bình đẳng", 0, 0, 0, None, 0, 0, 0, 0),
    ("PCI", "Chính sách hỗ trợ doanh nghiệp", 2, 2, 2, 1.0, 0, 1, 0, 1),
    ("PCI", "Thiết chế pháp lý và an ninh trật tự", 0, 0, 0, None, 0, 0, 0, 0),
    ("PCI", "Chính quyền kiến tạo", 0, 0, 0, None, 0, 0, 0, 0),
    ("BPI", "Hộ kinh doanh lên doanh nghiệp", 0, 0, 0, None, 0, 0, 0, 0),
    # TAX1 on time, TAX2 late; TAX3, TAX4, INVOICE and the quarter-III backlog overdue: 1 ÷ (2 + 4)
    ("BPI", "Khơi thông dòng tiền, thuế, hoàn thuế", 5, 2, 1, 1 / 6, 4, 0, 0, 0),
    ("BPI", "Đổi mới công nghệ, chuyển đổi số", 2, 2, 2, 1.0, 0, 1, 1, 0),
    (None, "Tổng cộng", 20, 17, 16, 16 / 21, 4, 2, 1, 1),
]


async def test_report_for_the_holiday_week(app: App, clock: FakeClock, tmp_path: Path) -> None:
    codes = await build_week(app, clock)
    clock.now = vn(2026, 5, 4, 9)  # the report of a week is made after it
    out = tmp_path / "bao-cao.xlsx"
    await write_report(app.core, ReportPeriod.between(date(2026, 4, 27), date(2026, 5, 3)), xlsx=out)

    wb = load_workbook(out)
    assert wb.sheetnames[5:8] == ["Theo cơ quan", "Theo lĩnh vực", "Danh sách phản ánh"]
    assert {"Sở Tài chính", "Sở Xây dựng", "Sở Công Thương", "LV Gia nhập thị trường"} <= set(wb.sheetnames)

    summary = wb["Theo cơ quan"]
    header = [c.value for c in summary[2]]
    assert header[:4] == ["Tên", "Tiếp nhận", "Đã trả lời", "Trả lời đúng hạn"]
    rows = {r[0]: r for r in summary.iter_rows(min_row=3, values_only=True)}
    assert rows["Sở Tài chính"][1:8] == (2, 2, 2, 2, 2, 1, 2 / 3)
    assert rows["Sở Xây dựng"][header.index("Chuyển đi")] == 1

    listing = wb["Danh sách phản ánh"]
    lheader = [c.value for c in listing[1]]
    assert not {"Người liên hệ", "Điện thoại", "Doanh nghiệp", "Mã số thuế", "Nội dung", "Trả lời"} & set(lheader)
    listed = {r[0]: dict(zip(lheader, r, strict=True)) for r in listing.iter_rows(min_row=2, values_only=True)}
    # received in the period, answered in it, or still open at its end: all seven
    assert set(listed) == set(codes.values())
    t1 = listed[codes["T1"]]
    assert t1["Cơ quan chủ trì"] == "Sở Tài chính" and t1["Lĩnh vực"] == "Gia nhập thị trường"
    assert t1["Ngày trả lời"] == datetime(2026, 5, 1, 10, 0)  # Vietnam time, as officers read it
    assert t1["Hạn trả lời"].date() == date(2026, 5, 5)
    assert listed[codes["T5"]]["Đánh giá"] == 5

    agency = wb["Sở Tài chính"]
    assert agency["A5"].value == "Mã"  # title, stats header, stats row, blank line, then the tickets
    own = [r[0] for r in agency.iter_rows(min_row=6, values_only=True)]
    assert sorted(own) == sorted(codes[k] for k in ("T1", "T2", "T3", "T6"))


def test_quarters() -> None:
    q4 = ReportPeriod.quarter("2026-Q4")
    assert (q4.start, q4.end, q4.title) == (date(2026, 10, 1), date(2026, 12, 31), "Quý IV năm 2026")
    q1 = ReportPeriod.quarter(" 2027q1 ")
    assert (q1.start, q1.end, q1.title) == (date(2027, 1, 1), date(2027, 3, 31), "Quý I năm 2027")
    assert ReportPeriod.quarter("2026-Q2").end == date(2026, 6, 30)
    for bad in ("2026-Q5", "2026-Q0", "Q4-2026", "2026-4", ""):
        with pytest.raises(ValueError, match="Vui lòng ghi theo dạng YYYY-Qn"):
            ReportPeriod.quarter(bad)


def _table_at(ws: Worksheet, header: str) -> tuple[list[Any], list[tuple[Any, ...]]]:
    """The header row whose first cell is `header`, and the rows under it up to the first empty one."""
    rows = list(ws.iter_rows(values_only=True))
    start = next(i for i, r in enumerate(rows) if r[0] == header)
    body = []
    for r in rows[start + 1 :]:
        if r[0] is None and r[1] is None:
            break
        body.append(r)
    return list(rows[start]), body


def _close(actual: tuple[Any, ...], expected: tuple[Any, ...]) -> bool:
    return all(
        a == pytest.approx(e) if isinstance(e, float) else a == e for a, e in zip(actual, expected, strict=True)
    )


def _docx_texts(path: Path) -> tuple[list[str], list[list[list[str]]]]:
    doc = Document(str(path))
    tables = [[[c.text for c in row.cells] for row in table.rows] for table in doc.tables]
    return [p.text for p in doc.paragraphs], tables


async def test_quarter_report_in_excel_and_word(app: App, clock: FakeClock, tmp_path: Path) -> None:
    q = await seed_quarter(app, clock)
    xlsx, docx = tmp_path / "bao-cao-q4.xlsx", tmp_path / "bao-cao-q4.docx"
    written = await write_report(app.core, ReportPeriod.quarter("2026-Q4"), xlsx=xlsx, docx=docx)
    land, tax, reg = (c.id for c in written.report.clusters)

    # ---- the workbook
    wb = load_workbook(xlsx)
    assert wb.sheetnames[:5] == [
        "I. Tình hình chung", "II. Chỉ số PCI và lĩnh vực BPI", "III. Vấn đề lặp lại", "IV. Cơ quan chậm xử lý",
        "V. Đề xuất",
    ]  # fmt: skip
    _, general = _table_at(wb["I. Tình hình chung"], "Chỉ tiêu")
    assert dict((r[0], r[1]) for r in general) == {
        "Tiếp nhận trong kỳ": 20,
        "Đã trả lời": 17,
        "Trả lời đúng hạn": 16,
        "Tỷ lệ trả lời đúng hạn": pytest.approx(16 / 21),
        "Đang xử lý cuối kỳ": 4,
        "Quá hạn chưa trả lời": 4,
        "Kiến nghị tiếp thu": 2,
        "Kiến nghị tiếp thu, đang nghiên cứu": 1,
        "Kiến nghị không tiếp thu": 1,
    }
    topics_ws = wb["II. Chỉ số PCI và lĩnh vực BPI"]
    header, topics = _table_at(topics_ws, "Nhóm")
    assert header[2:7] == ["Tiếp nhận", "Đã trả lời", "Trả lời đúng hạn", "Tỷ lệ đúng hạn", "Quá hạn chưa trả lời"]
    assert len(topics) == len(EXPECTED_TOPICS)
    for actual, expected in zip(topics, EXPECTED_TOPICS, strict=True):
        assert _close(actual[:TOPIC_COLUMNS], expected), (actual, expected)
    assert topics_ws.cell(row=3, column=6).number_format == "0.0%"
    assert len(topics_ws._images) == 1  # the chart
    _, clusters = _table_at(wb["III. Vấn đề lặp lại"], "Mã nhóm")
    assert clusters == [
        (land, "Tiếp cận đất đai và nguồn lực", 5, 0, "Tam Thanh, Lương Văn Tri, Kỳ Lừa, Đông Kinh",
         "Sở Nông nghiệp và Môi trường"),
        (tax, "Khơi thông dòng tiền, thuế, hoàn thuế", 4, 2, "Đông Kinh, Kỳ Lừa", "Thuế tỉnh"),
        (reg, "Gia nhập thị trường", 3, 0, "Tam Thanh, Lương Văn Tri", "Sở Tài chính"),
    ]  # fmt: skip
    lagging_ws = wb["IV. Cơ quan chậm xử lý"]
    _, lagging = _table_at(lagging_ws, "Cơ quan")
    assert len(lagging) == 1 and _close(lagging[0], ("Thuế tỉnh", 5, 2, 1, 4, 1 / 6))
    assert len(lagging_ws._images) == 1
    proposals = [r[0] for r in wb["V. Đề xuất"].iter_rows(min_row=2, values_only=True)]
    assert proposals[0].startswith("Đề nghị Thuế tỉnh khẩn trương giải quyết dứt điểm 4 phản ánh")
    assert f"nhóm vấn đề lặp lại {tax} (4 phản ánh" in proposals[1] and len(proposals) == 2
    listing = wb["Danh sách phản ánh"]
    codes = {r[0] for r in listing.iter_rows(min_row=2, values_only=True)}
    assert codes == set(q.codes.values()) - {q.codes["OLD"]}  # the quarter-III backlog is still open in it
    cells = [str(v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row if v is not None]

    # ---- the Word document
    paragraphs, tables = _docx_texts(docx)
    heading = tables[0][0]
    assert "TỔ CÔNG TÁC VỀ PCI VÀ PHÁT TRIỂN KINH TẾ TƯ NHÂN" in heading[0]
    assert "Lạng Sơn, ngày 05 tháng 01 năm 2027" in heading[1]  # made on Tue 05/01/2027
    assert paragraphs[:3] == ["BÁO CÁO", "Kết quả tiếp nhận, xử lý phản ánh, kiến nghị của doanh nghiệp",
                              "Quý IV năm 2026"]
    assert "số liệu đến hết ngày 31/12/2026" in paragraphs[4]
    for section in ("I. TÌNH HÌNH CHUNG", "II. KẾT QUẢ THEO CHỈ SỐ THÀNH PHẦN PCI VÀ LĨNH VỰC BPI",
                    "III. VẤN ĐỀ LẶP LẠI", "IV. CƠ QUAN CHẬM XỬ LÝ", "V. ĐỀ XUẤT"):
        assert section in paragraphs
    assert "Các cơ quan đã trả lời 17 phản ánh, kiến nghị, trong đó 16 trả lời đúng hạn; tỷ lệ trả lời đúng hạn " \
        "76,2 %." in paragraphs
    assert "Kết quả xử lý kiến nghị: 2 tiếp thu, 1 tiếp thu và đang nghiên cứu, 1 không tiếp thu (có giải " \
        "trình)." in paragraphs
    topics_doc = tables[1]
    assert topics_doc[0][:3] == ["Nhóm", "Chỉ số thành phần / lĩnh vực", "Tiếp nhận"]
    by_name = {row[1]: row for row in topics_doc[1:]}
    assert by_name["Khơi thông dòng tiền, thuế, hoàn thuế"] == ["BPI", "Khơi thông dòng tiền, thuế, hoàn thuế",
                                                               "5", "2", "1", "16,7 %", "4", "0", "0", "0"]
    assert by_name["Tính minh bạch"][5] == "—"
    assert by_name["Tổng cộng"][2:] == ["20", "17", "16", "76,2 %", "4", "2", "1", "1"]
    assert [row[2] for row in tables[2][1:]] == ["5", "4", "3"]  # clusters, largest first
    assert tables[3][1] == ["Thuế tỉnh", "5", "2", "1", "4", "16,7 %"]
    doc = Document(str(docx))
    assert len(doc.inline_shapes) == 2
    assert all(p.blob.startswith(b"\x89PNG") for p in doc.part.package.image_parts)

    # ---- nothing that names or reaches a business, nor the items' texts
    everything = "\n".join(cells + paragraphs + [c for table in tables for row in table for c in row])
    for secret in (*PERSONAL, *(text[:40] for _, _, _, text, _ in RECOMMENDATIONS)):
        assert secret not in everything, secret
