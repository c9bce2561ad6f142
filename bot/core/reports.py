"""The periodic report to the province (Excel and Word): totals, PCI sub-indices and BPI areas, recurring problems,
lagging agencies and proposals; the workbook adds the summaries per agency and topic and the ticket lists."""

from __future__ import annotations

import io
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.drawing.image import Image
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.charts import png_of, rate_chart
from bot.core.clock import TZ
from bot.core.clusters import commune_names, find_clusters
from bot.core.fmt import fmt_datetime, fmt_int, fmt_percent, local
from bot.core.i18n import t
from bot.core.notify import agency_label, kind_label, topic_label
from bot.core.offline import STAFF_FIELDS
from bot.core.services import Core
from bot.core.states import state_label
from bot.core.stats import GroupStats, compute_many, group_name, lagging_groups, outcome_counts
from storage.models import Ticket
from storage.stats import UNCLASSIFIED, active_tickets

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
    "resolved_at": "Ngày trả lời",
    "closed_at": "Ngày kết thúc",
    "close_reason": "Lý do kết thúc",
    "commune_code": "Mã xã/phường",
    "confidential": "Bảo mật danh tính",
    "consent_publish": "Đồng ý công khai",
    "outcome": "Kết quả kiến nghị",
    "rating": "Đánh giá",
    "transfer_count": "Số lần chuyển",
    "extension_days": "Số ngày gia hạn",
    "reopen_count": "Số lần mở lại",
    "hidden": "Ẩn khỏi trang công khai",
}
# A report goes to the province: nothing that names or reaches a business, and no free text (which may).
PERSONAL_FIELDS = frozenset({"contact_name", "contact_phone", "company", "tax_code", "text", "answer_text"})
REPORT_FIELDS = tuple(f for f in STAFF_FIELDS if f not in PERSONAL_FIELDS)
OUTCOMES = ("accepted", "under_study", "not_accepted")
DATE_FORMAT = "dd/mm/yyyy hh:mm"
PERCENT_FORMAT = "0.0%"
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
_QUARTER_RE = re.compile(r"^(\d{4})-?Q(\d)$", re.IGNORECASE)
_ROMAN = ("I", "II", "III", "IV")
REPORT_CLUSTERS = 10  # the largest clusters of similar items listed under "Vấn đề lặp lại"
CLUSTER_PROPOSALS = 3  # of them, the largest with items still open get a proposal
LISTING = "Danh sách phản ánh"


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
        ws.cell(row=ws.max_row, column=8).number_format = PERCENT_FORMAT
    ws.column_dimensions["A"].width = 42


def _ticket_rows(ws: Worksheet, core: Core, tickets: list[Ticket]) -> None:
    _bold_header(ws, [FIELD_HEADERS.get(f, f) for f in REPORT_FIELDS])
    for tk in tickets:
        row = []
        for f in REPORT_FIELDS:
            value = getattr(tk, f)
            if f == "agency_id":
                value = agency_label(core, value)
            elif f == "topic_id":
                value = topic_label(core, value)
            elif f == "state":
                value = state_label(value)
            elif f == "kind":
                value = kind_label(value)
            row.append(_cell(value))
        ws.append(row)
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, datetime):
                cell.number_format = DATE_FORMAT




# ---------------------------------------------------------------------------------------------------
# The period and what the report says


@dataclass(frozen=True)
class ReportPeriod:
    """Local dates [start, end] (inclusive) and how the report names them ("Quý IV năm 2026")."""

    start: date
    end: date
    title: str

    @classmethod
    def quarter(cls, text: str) -> ReportPeriod:
        """'2026-Q4' (or '2026Q4', '2026-q4'); ValueError with a polite Vietnamese message otherwise."""
        m = _QUARTER_RE.match(text.strip())
        if m is None or not 1 <= int(m.group(2)) <= 4:
            raise ValueError(
                f"Quý không hợp lệ: {text!r}. Vui lòng ghi theo dạng YYYY-Qn, với n từ 1 đến 4 (ví dụ 2026-Q4)."
            )
        year, n = int(m.group(1)), int(m.group(2))
        start = date(year, 3 * n - 2, 1)
        end = date(year + 1, 1, 1) if n == 4 else date(year, 3 * n + 1, 1)
        return cls(start, end - timedelta(days=1), t("agency_report_quarter", "vi", roman=_ROMAN[n - 1], year=year))

    @classmethod
    def between(cls, start: date, end: date) -> ReportPeriod:
        """Any range of local dates, named by its first and last day."""
        if end < start:
            raise ValueError("Ngày kết thúc phải sau ngày bắt đầu.")
        return cls(start, end, t("agency_report_range", "vi", start=f"{start:%d/%m/%Y}", end=f"{end:%d/%m/%Y}"))

    @property
    def bounds(self) -> tuple[datetime, datetime]:
        """The period as instants [start 00:00, day after end 00:00)."""
        return period(self.start, self.end)


@dataclass(frozen=True)
class TopicRow:
    """One PCI sub-index or BPI area (or the unclassified items): its figures and its recommendations' outcomes."""

    group: str  # "PCI", "BPI", or "" for the unclassified items
    stats: GroupStats
    outcomes: Counter[str]


@dataclass(frozen=True)
class ClusterRow:
    """A recurring problem: similar items of one topic, named without any submitter detail."""

    id: str
    topic: str
    size: int
    open: int
    communes: str
    agencies: list[str]


@dataclass(frozen=True)
class Report:
    """Everything the periodic report says, computed from the tickets and their events."""

    period: ReportPeriod
    issued: date
    as_of: datetime  # the end of the period, or now for a period not over yet
    total: GroupStats
    outcomes: Counter[str]
    topics: list[TopicRow]
    topic_groups: list[GroupStats]  # the topics with something to report (the chart's bars)
    agencies: list[GroupStats]
    lagging: list[GroupStats]
    lagging_rate: float
    praise_rate: float
    clusters: list[ClusterRow]
    proposals: list[str] = field(default_factory=list)


async def build_report(session: AsyncSession, core: Core, chosen: ReportPeriod) -> Report:
    """The figures of a period: counted like the digest and the public site (bot/core/stats.py)."""
    t0, t1 = chosen.bounds
    end = min(t1, core.now())  # a period not over yet: nothing is overdue before its deadline has passed
    groups = await compute_many(session, core, t0, end, ("agency", "topic", "all"))
    outcomes = await outcome_counts(session, t0, end, "topic")
    by_topic = {g.key: g for g in groups["topic"]}
    topics = [
        TopicRow(
            topic.kind.upper(),
            by_topic.get(topic.id) or GroupStats.empty(topic.id, group_name(core, "topic", topic.id)),
            outcomes.get(topic.id, Counter()),
        )
        for topic in core.rules.topics
    ]
    if UNCLASSIFIED in by_topic:
        topics.append(TopicRow("", by_topic[UNCLASSIFIED], outcomes.get(UNCLASSIFIED, Counter())))
    rules = core.rules.reminders
    lagging = lagging_groups(groups["agency"], rules.lagging_on_time_rate)
    found = await find_clusters(session, core, since=t0, until=end)
    clusters = [
        ClusterRow(
            id=c.id,
            topic=group_name(core, "topic", c.topic_id or UNCLASSIFIED),
            size=c.size,
            open=len(c.open_codes),
            communes=commune_names(c.communes),
            agencies=[agency_label(core, a) for a in c.agencies],
        )
        for c in found[:REPORT_CLUSTERS]
    ]
    report = Report(
        period=chosen,
        issued=local(core.now()).date(),
        as_of=end,
        total=(groups["all"] or [GroupStats.empty("all", t("agency_report_total", "vi"))])[0],
        outcomes=sum((row.outcomes for row in topics), Counter()),
        topics=topics,
        topic_groups=groups["topic"],
        agencies=groups["agency"],
        lagging=lagging,
        lagging_rate=rules.lagging_on_time_rate,
        praise_rate=rules.praise_on_time_rate,
        clusters=clusters,
    )
    report.proposals.extend(_proposals(report))
    return report


def _proposals(report: Report) -> list[str]:
    """One line per lagging agency, one per large recurring problem still open; a closing line otherwise."""
    threshold = fmt_percent(report.lagging_rate, 0)
    lines = [
        t(
            "agency_report_proposal_overdue" if g.open_overdue else "agency_report_proposal_rate",
            "vi",
            name=g.name,
            overdue=fmt_int(g.open_overdue),
            rate=fmt_percent(g.on_time_rate),
            threshold=threshold,
        )
        for g in report.lagging
    ]
    still_open = [c for c in report.clusters if c.open][:CLUSTER_PROPOSALS]
    lines += [
        t("agency_report_proposal_cluster", "vi", agency=c.agencies[0], id=c.id, size=c.size, topic=c.topic)
        for c in still_open
    ]
    return lines or [t("agency_report_proposal_none", "vi")]


def general_lines(report: Report) -> list[str]:
    """Section I in sentences: received, answered, still open, the recommendations' outcomes, the rule."""
    g, o = report.total, report.outcomes
    return [
        t("agency_report_received", "vi", received=fmt_int(g.received)),
        t("agency_report_answered", "vi", answered=fmt_int(g.answered), on_time=fmt_int(g.answered_on_time),
          rate=fmt_percent(g.on_time_rate)),
        t("agency_report_open", "vi", open=fmt_int(g.open), overdue=fmt_int(g.open_overdue)),
        t("agency_report_outcomes", "vi", **{k: fmt_int(o[k]) for k in OUTCOMES}),
        t("agency_report_rule", "vi"),
    ]


def intro(report: Report) -> str:
    """The sentence opening the report: the plan, the period and the moment the figures stand at."""
    over = report.as_of >= report.period.bounds[1]
    as_of = t("agency_report_as_of_end", "vi", day=f"{report.period.end:%d/%m/%Y}") if over else fmt_datetime(
        report.as_of
    )
    title = report.period.title
    return t("agency_report_intro", "vi", period=title[:1].lower() + title[1:], as_of=as_of)


# ---------------------------------------------------------------------------------------------------
# Tables, shared by the workbook and the document

Cell = str | int | float | None  # a float is always a share (0–1): a percentage in both files


@dataclass(frozen=True)
class Table:
    """One of the report's tables: its sheet title, headers and rows; the last row may be a total (bold)."""

    sheet: str
    headers: list[str]
    rows: list[list[Cell]]
    total_last: bool = False


GENERAL_SHEET = "I. Tình hình chung"
TOPICS_SHEET = "II. Chỉ số PCI và lĩnh vực BPI"
CLUSTERS_SHEET = "III. Vấn đề lặp lại"
LAGGING_SHEET = "IV. Cơ quan chậm xử lý"
PROPOSALS_SHEET = "V. Đề xuất"
TOPIC_HEADERS = [
    "Nhóm",
    "Chỉ số thành phần / lĩnh vực",
    "Tiếp nhận",
    "Đã trả lời",
    "Trả lời đúng hạn",
    "Tỷ lệ đúng hạn",
    "Quá hạn chưa trả lời",
    "Kiến nghị tiếp thu",
    "Kiến nghị đang nghiên cứu",
    "Kiến nghị không tiếp thu",
]
AGENCY_HEADERS = ["Cơ quan", "Tiếp nhận", "Đã trả lời", "Trả lời đúng hạn", "Quá hạn chưa trả lời", "Tỷ lệ đúng hạn"]
CLUSTER_HEADERS = ["Mã nhóm", "Chỉ số / lĩnh vực", "Số phản ánh", "Còn mở", "Xã, phường", "Cơ quan"]


def _topic_cells(group: str, name: str, g: GroupStats, outcomes: Counter[str]) -> list[Cell]:
    return [group, name, g.received, g.answered, g.answered_on_time, g.on_time_rate, g.open_overdue,
            *(outcomes[k] for k in OUTCOMES)]


def general_table(report: Report) -> Table:
    """Section I as figures."""
    g, o = report.total, report.outcomes
    rows: list[list[Cell]] = [
        ["Tiếp nhận trong kỳ", g.received],
        ["Đã trả lời", g.answered],
        ["Trả lời đúng hạn", g.answered_on_time],
        ["Tỷ lệ trả lời đúng hạn", g.on_time_rate],
        ["Đang xử lý cuối kỳ", g.open],
        ["Quá hạn chưa trả lời", g.open_overdue],
        ["Kiến nghị tiếp thu", o["accepted"]],
        ["Kiến nghị tiếp thu, đang nghiên cứu", o["under_study"]],
        ["Kiến nghị không tiếp thu", o["not_accepted"]],
    ]
    return Table(GENERAL_SHEET, ["Chỉ tiêu", "Số liệu"], rows)


def topics_table(report: Report) -> Table:
    """Section II: every PCI sub-index and BPI area, then the unclassified items, then the total."""
    rows = [_topic_cells(r.group, r.stats.name, r.stats, r.outcomes) for r in report.topics]
    rows.append(_topic_cells("", t("agency_report_total", "vi"), report.total, report.outcomes))
    return Table(TOPICS_SHEET, TOPIC_HEADERS, rows, total_last=True)


def clusters_table(report: Report) -> Table:
    """Section III: the recurring problems, largest first."""
    rows: list[list[Cell]] = [
        [c.id, c.topic, c.size, c.open, c.communes, ", ".join(c.agencies)] for c in report.clusters
    ]
    return Table(CLUSTERS_SHEET, CLUSTER_HEADERS, rows)


def lagging_table(report: Report) -> Table:
    """Section IV: the agencies below the lagging threshold, the worst first."""
    rows: list[list[Cell]] = [
        [g.name, g.received, g.answered, g.answered_on_time, g.open_overdue, g.on_time_rate] for g in report.lagging
    ]
    return Table(LAGGING_SHEET, AGENCY_HEADERS, rows)


def lagging_line(report: Report) -> str:
    """The sentence above section IV's table (or saying that no agency lags)."""
    key = "agency_report_lagging" if report.lagging else "agency_report_lagging_none"
    return t(key, "vi", threshold=fmt_percent(report.lagging_rate, 0))


def clusters_line(report: Report) -> str:
    """The sentence above section III's table (or saying that nothing recurs)."""
    return t("agency_report_clusters" if report.clusters else "agency_report_clusters_none", "vi")


@dataclass(frozen=True)
class Charts:
    """The report's two charts as PNG: per PCI sub-index / BPI area, and per agency."""

    topics: bytes
    agencies: bytes


def render_charts(report: Report) -> Charts:
    """Draw both charts with the digest's chart (bot/core/charts.py)."""
    period_name = report.period.title

    def chart(groups: Sequence[GroupStats], key: str) -> bytes:
        return png_of(
            lambda: rate_chart(
                groups,
                praise_rate=report.praise_rate,
                lagging_rate=report.lagging_rate,
                title=t(key, "vi", period=period_name),
                empty=t("agency_report_empty", "vi"),
            )
        )

    return Charts(chart(report.topic_groups, "agency_report_chart_topics"),
                  chart(report.agencies, "agency_report_chart_agencies"))


# ---------------------------------------------------------------------------------------------------
# The workbook


def _table_sheet(ws: Worksheet, table: Table, above: Sequence[str] = ()) -> None:
    """A title line, optional sentences, then the table with its header in bold; shares as percentages."""
    ws.append([table.sheet])
    ws.cell(row=ws.max_row, column=1).font = Font(bold=True, size=13)
    for line in above:
        ws.append([line])
    _bold_header(ws, table.headers)
    for row in table.rows:
        ws.append(row)
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, float):
                cell.number_format = PERCENT_FORMAT
            if table.total_last and row is table.rows[-1]:
                cell.font = Font(bold=True)
    ws.column_dimensions["A"].width = 40
    ws.column_dimensions["B"].width = 36


def _add_chart(ws: Worksheet, png: bytes) -> None:
    """The chart two rows under the table, scaled to about 800 pixels wide."""
    image = Image(io.BytesIO(png))
    scale = 800 / image.width
    image.width, image.height = 800, int(image.height * scale)
    ws.add_image(image, f"A{ws.max_row + 2}")


def _report_sheets(wb: Workbook, report: Report, charts: Charts) -> None:
    first = wb.active
    assert first is not None
    first.title = GENERAL_SHEET
    subject = f"{t('agency_report_subject', 'vi')} — {report.period.title}"
    _table_sheet(first, general_table(report), [subject, intro(report)])
    ws = wb.create_sheet(TOPICS_SHEET)
    _table_sheet(ws, topics_table(report))
    _add_chart(ws, charts.topics)
    _table_sheet(wb.create_sheet(CLUSTERS_SHEET), clusters_table(report), [clusters_line(report)])
    ws = wb.create_sheet(LAGGING_SHEET)
    _table_sheet(ws, lagging_table(report), [lagging_line(report)])
    _add_chart(ws, charts.agencies)
    ws = wb.create_sheet(PROPOSALS_SHEET)
    ws.append([PROPOSALS_SHEET])
    ws.cell(row=1, column=1).font = Font(bold=True, size=13)
    for line in report.proposals:
        ws.append([line])
    ws.column_dimensions["A"].width = 120


async def write_xlsx(core: Core, report: Report, charts: Charts, out: Path) -> dict[str, int]:
    """The workbook: the report's sheets, then summaries per agency and topic and the ticket lists
    (staff fields without personal data); returns rows per sheet.

    The lists hold every ticket active in the period (received, answered, or still open at its end), then
    one sheet per agency and one per topic lists theirs.
    """
    t0, _ = report.period.bounds
    end = report.as_of
    async with core.maker() as session:
        tickets = list(await active_tickets(session, t0, end))
    by_topic = report.topic_groups
    label = report.period.title
    wb = Workbook()
    _report_sheets(wb, report, charts)
    counts = {
        GENERAL_SHEET: 1,
        TOPICS_SHEET: len(report.topics),
        CLUSTERS_SHEET: len(report.clusters),
        LAGGING_SHEET: len(report.lagging),
    }
    _stats_sheet(wb.create_sheet("Theo cơ quan"), f"Kết quả xử lý phản ánh, kiến nghị theo cơ quan, {label}",
                 report.agencies)
    _stats_sheet(wb.create_sheet("Theo lĩnh vực"), f"Kết quả theo lĩnh vực (PCI, BPI), {label}", by_topic)
    _ticket_rows(wb.create_sheet(LISTING), core, tickets)
    counts.update({"Theo cơ quan": len(report.agencies), "Theo lĩnh vực": len(by_topic), LISTING: len(tickets)})
    per_agency: dict[str, list[Ticket]] = defaultdict(list)
    per_topic: dict[str | None, list[Ticket]] = defaultdict(list)
    for tk in tickets:
        per_agency[tk.agency_id].append(tk)
        per_topic[tk.topic_id].append(tk)
    for g in report.agencies:
        ws = wb.create_sheet(_sheet_title(wb, g.name))
        _stats_sheet(ws, f"{g.name}, {label}", [g])
        ws.append([])
        _ticket_rows(ws, core, per_agency.get(g.key, []))
        counts[ws.title] = len(per_agency.get(g.key, []))
    for g in by_topic:
        ws = wb.create_sheet(_sheet_title(wb, f"LV {g.name}"))
        _stats_sheet(ws, f"Lĩnh vực {g.name}, {label}", [g])
        ws.append([])
        key = None if g.key == UNCLASSIFIED else g.key
        _ticket_rows(ws, core, per_topic.get(key, []))
        counts[ws.title] = len(per_topic.get(key, []))
    out.parent.mkdir(parents=True, exist_ok=True)
    wb.save(out)
    return counts


@dataclass(frozen=True)
class Written:
    """What `write_report` produced: the report, and the rows per sheet of the workbook (if one was written)."""

    report: Report
    sheets: dict[str, int]


async def write_report(core: Core, chosen: ReportPeriod, *, xlsx: Path | None = None,
                       docx: Path | None = None) -> Written:
    """Compute the report of a period once and write it as a workbook, a Word document, or both."""
    from bot.core.report_docx import write_docx

    if xlsx is None and docx is None:
        raise ValueError("Cần ít nhất một tệp kết quả: --xlsx hoặc --docx.")
    async with core.maker() as session:
        report = await build_report(session, core, chosen)
    charts = render_charts(report)
    sheets = await write_xlsx(core, report, charts, xlsx) if xlsx is not None else {}
    if docx is not None:
        write_docx(report, charts, docx)
    return Written(report, sheets)
