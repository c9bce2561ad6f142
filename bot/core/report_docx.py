"""The periodic report as a Vietnamese administrative document (.docx): heading, sections I–V, tables and charts."""

from __future__ import annotations

import io
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt
from docx.table import _Cell

from bot.core.fmt import fmt_int, fmt_percent
from bot.core.i18n import t
from bot.core.reports import (
    Cell,
    Charts,
    Report,
    Table,
    clusters_line,
    clusters_table,
    general_lines,
    intro,
    lagging_line,
    lagging_table,
    topics_table,
)

__all__ = ["write_docx"]

FONT = "Times New Roman"  # Nghị định 30/2020/NĐ-CP: Times New Roman, size 13–14
CHART_WIDTH = Cm(16)


def _text(value: Cell) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return fmt_percent(value)
    if isinstance(value, int):
        return fmt_int(value)
    return value


def _lines(cell: _Cell, text: str, *, bold: bool = False, italic: bool = False, size: float = 13) -> None:
    """Centred lines in a cell of the heading table."""
    paragraph = cell.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(text)
    run.bold, run.italic, run.font.size = bold, italic, Pt(size)


def _heading(doc: DocumentObject, report: Report) -> None:
    """Issuing body and number on the left, the national motto and the date line on the right."""
    table = doc.add_table(rows=1, cols=2)
    left, right = table.rows[0].cells
    _lines(left, t("agency_report_province", "vi"), size=12)
    _lines(left, "\n" + t("agency_report_issuer", "vi"), bold=True, size=12)
    _lines(left, "\n" + t("agency_report_number", "vi"))
    _lines(right, t("agency_report_nation", "vi"), bold=True, size=12)
    _lines(right, "\n" + t("agency_report_motto", "vi"), bold=True)
    day = report.issued
    date_line = t("agency_report_date_line", "vi", day=f"{day.day:02d}", month=f"{day.month:02d}", year=day.year)
    _lines(right, "\n\n" + date_line, italic=True)
    for text, bold in (
        (t("agency_report_kind", "vi"), True),
        (t("agency_report_subject", "vi"), True),
        (report.period.title, True),
    ):
        paragraph = doc.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.add_run(text).bold = bold
    to = doc.add_paragraph(t("agency_report_to", "vi"))
    to.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _section(doc: DocumentObject, key: str) -> None:
    doc.add_paragraph().add_run(t(key, "vi")).bold = True


def _table(doc: DocumentObject, table: Table) -> None:
    """A bordered table, header and total rows in bold, figures right-aligned."""
    out = doc.add_table(rows=1, cols=len(table.headers))
    out.style = doc.styles["Table Grid"]
    out.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, header in zip(out.rows[0].cells, table.headers, strict=True):
        cell.paragraphs[0].add_run(header).bold = True
    for i, row in enumerate(table.rows):
        cells = out.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            paragraph = cell.paragraphs[0]
            run = paragraph.add_run(_text(value))
            run.bold = table.total_last and i == len(table.rows) - 1
            if isinstance(value, int | float) or value is None:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for row in out.rows:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(10)


def _chart(doc: DocumentObject, png: bytes) -> None:
    doc.add_picture(io.BytesIO(png), width=CHART_WIDTH)
    doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER


def _signature(doc: DocumentObject) -> None:
    table = doc.add_table(rows=1, cols=2)
    left, right = table.rows[0].cells
    head, *rest = t("agency_report_recipients", "vi").split("\n")
    paragraph = left.paragraphs[0]
    run = paragraph.add_run(head)
    run.bold, run.italic, run.font.size = True, True, Pt(12)
    for line in rest:
        left.add_paragraph().add_run(line).font.size = Pt(11)
    _lines(right, t("agency_report_signer", "vi"), bold=True)


def write_docx(report: Report, charts: Charts, out: Path) -> None:
    """Write the report: the heading, sections I–V with their tables, both charts, recipients and signature."""
    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(13)
    for section in doc.sections:
        section.left_margin, section.right_margin = Cm(3), Cm(2)
        section.top_margin = section.bottom_margin = Cm(2)
    _heading(doc, report)
    doc.add_paragraph(intro(report))
    _section(doc, "agency_report_section_general")
    for line in general_lines(report):
        doc.add_paragraph(line, style="List Bullet")
    _section(doc, "agency_report_section_topics")
    _table(doc, topics_table(report))
    _chart(doc, charts.topics)
    _section(doc, "agency_report_section_clusters")
    doc.add_paragraph(clusters_line(report))
    if report.clusters:
        _table(doc, clusters_table(report))
    _section(doc, "agency_report_section_lagging")
    doc.add_paragraph(lagging_line(report))
    if report.lagging:
        _table(doc, lagging_table(report))
    _chart(doc, charts.agencies)
    _section(doc, "agency_report_section_proposals")
    for line in report.proposals:
        doc.add_paragraph(line, style="List Bullet")
    _signature(doc)
    out.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(out))
