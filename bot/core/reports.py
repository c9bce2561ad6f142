"""Excel reports for the plan's deadlines: a sheet per agency and per topic, the summaries and the ticket list."""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from bot.core.clock import TZ
from bot.core.fmt import local
from bot.core.notify import agency_label, topic_label
from bot.core.offline import STAFF_FIELDS
from bot.core.services import Core
from bot.core.stats import GroupStats, compute_stats
from storage.models import Ticket
from storage.stats import active_tickets

STAT_HEADERS: list[tuple[str, str]] = [
    ("name", "Tên"),
    ("received", "Tiếp nhận"),
    ("answered", "Đã trả lời"),
    ("answered_on_time", "Trả lời đúng hạn"),
    ("resolved", "Đã giải quyết"),
    ("open", "Đang mở cuối kỳ"),
    ("open_overdue", "Quá hạn chưa trả lời"),
    ("on_time_rate", "Tỷ lệ đúng hạn"),
    ("median_first_response_hours", "Phản hồi đầu tiên (trung vị, giờ làm việc)"),
    ("transfers_out", "Chuyển đi"),
    ("extensions", "Gia hạn"),
    ("avg_rating", "Mức hài lòng (1–5)"),
    ("reopened", "Mở lại"),
]
FIELD_HEADERS: dict[str, str] = {
    "code": "Mã",
    "kind": "Loại",
    "state": "Trạng thái",
    "topic_id": "Lĩnh vực",
    "agency_id": "Cơ quan chủ trì",
    "source": "Nguồn",
    "created_at": "Ngày tiếp nhận",
    "ack_due_at": "Hạn tiếp nhận",
    "answer_due_at": "Hạn trả lời",
    "taken_at": "Ngày nhận xử lý",
    "first_response_at": "Phản hồi đầu tiên",
    "resolved_at": "Ngày có kết quả",
    "closed_at": "Ngày kết thúc",
    "close_reason": "Lý do kết thúc",
    "contact_name": "Người liên hệ",
    "contact_phone": "Điện thoại",
    "company": "Doanh nghiệp",
    "tax_code": "Mã số thuế",
    "commune_code": "Mã xã/phường",
    "confidential": "Bảo mật danh tính",
    "consent_publish": "Đồng ý công khai",
    "outcome": "Kết quả kiến nghị",
    "rating": "Đánh giá",
    "transfer_count": "Số lần chuyển",
    "extension_days": "Số ngày gia hạn",
    "reopen_count": "Số lần mở lại",
    "hidden": "Ẩn khỏi trang công khai",
    "text": "Nội dung",
    "answer_text": "Trả lời",
}
DATE_FORMAT = "dd/mm/yyyy hh:mm"
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def period(start: date, end: date) -> tuple[datetime, datetime]:
    """Local dates [start, end] (inclusive) as UTC instants [start 00:00, day after end 00:00)."""
    if end < start:
        raise ValueError("ngày kết thúc phải sau ngày bắt đầu")
    return (
        datetime.combine(start, time(0), tzinfo=TZ),
        datetime.combine(end + timedelta(days=1), time(0), tzinfo=TZ),
    )


def _sheet_title(wb: Workbook, name: str) -> str:
    """Excel sheet names: at most 31 characters, no []:*?/\\, unique."""
    base = _BAD_SHEET_CHARS.sub("-", name)[:31]
    title, n = base, 2
    while title in wb.sheetnames:
        suffix = f" ({n})"
        title, n = base[: 31 - len(suffix)] + suffix, n + 1
    return title


def _cell(value: Any) -> Any:
    if isinstance(value, datetime):
        # Excel has no time zones (Vietnam time) and would round a deadline's 23:59:59.999999 up to the next day
        return local(value).replace(tzinfo=None, microsecond=0)
    return value


def _bold_header(ws: Worksheet, headers: list[str]) -> None:
    ws.append(headers)
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    ws.freeze_panes = f"A{ws.max_row + 1}"  # a string: ws.cell() would create an empty row


def _stats_sheet(ws: Worksheet, title: str, groups: list[GroupStats]) -> None:
    ws.append([title])
    ws["A1"].font = Font(bold=True, size=13)
    _bold_header(ws, [label for _, label in STAT_HEADERS])
    for g in groups:
        ws.append([getattr(g, attr) for attr, _ in STAT_HEADERS])
        ws.cell(row=ws.max_row, column=8).number_format = "0.0%"
    ws.column_dimensions["A"].width = 42


def _ticket_rows(ws: Worksheet, core: Core, tickets: list[Ticket]) -> None:
    _bold_header(ws, [FIELD_HEADERS.get(f, f) for f in STAFF_FIELDS])
    for tk in tickets:
        row = []
        for f in STAFF_FIELDS:
            value = getattr(tk, f)
            if f == "agency_id":
                value = agency_label(core, value)
            elif f == "topic_id":
                value = topic_label(core, value)
            row.append(_cell(value))
        ws.append(row)
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, datetime):
                cell.number_format = DATE_FORMAT


async def write_report(core: Core, start: date, end: date, out: Path) -> dict[str, int]:
    """Write the workbook for local dates [start, end]; returns rows per sheet (for the CLI summary).

    Sheets: summary per agency, summary per topic, every ticket active in the period (received, answered,
    or still open at its end) with staff fields, then one sheet per agency and one per topic listing theirs.
    """
    t0, t1 = period(start, end)
    async with core.maker() as session:
        by_agency = await compute_stats(session, core, t0, t1, "agency")
        by_topic = await compute_stats(session, core, t0, t1, "topic")
        tickets = list(await active_tickets(session, t0, t1))
    label = f"{start:%d/%m/%Y} – {end:%d/%m/%Y}"
    wb = Workbook()
    summary = wb.active
    assert summary is not None
    summary.title = "Theo cơ quan"
    _stats_sheet(summary, f"Kết quả xử lý phản ánh, kiến nghị theo cơ quan, {label}", by_agency)
    _stats_sheet(wb.create_sheet("Theo lĩnh vực"), f"Kết quả theo lĩnh vực (PCI, BPI), {label}", by_topic)
    listing = wb.create_sheet("Danh sách phản ánh")
    _ticket_rows(listing, core, tickets)
    counts = {"Theo cơ quan": len(by_agency), "Theo lĩnh vực": len(by_topic), "Danh sách phản ánh": len(tickets)}
    per_agency: dict[str, list[Ticket]] = defaultdict(list)
    per_topic: dict[str | None, list[Ticket]] = defaultdict(list)
    for tk in tickets:
        per_agency[tk.agency_id].append(tk)
        per_topic[tk.topic_id].append(tk)
    for g in by_agency:
        ws = wb.create_sheet(_sheet_title(wb, g.name))
        _stats_sheet(ws, f"{g.name}, {label}", [g])
        ws.append([])
        _ticket_rows(ws, core, per_agency.get(g.key, []))
        counts[ws.title] = len(per_agency.get(g.key, []))
    for g in by_topic:
        ws = wb.create_sheet(_sheet_title(wb, f"LV {g.name}"))
        _stats_sheet(ws, f"Lĩnh vực {g.name}, {label}", [g])
        ws.append([])
        key = None if g.key == "unclassified" else g.key
        _ticket_rows(ws, core, per_topic.get(key, []))
        counts[ws.title] = len(per_topic.get(key, []))
    out.parent.mkdir(parents=True, exist_ok=True)
    wb.save(out)
    return counts
