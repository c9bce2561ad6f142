"""Offline intake and export: hotline, paper and e-mail items in CSV/JSONL in; tickets out, staff or public."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TextIO

from bot.core import lifecycle
from bot.core.authz import SYSTEM
from bot.core.clock import TZ
from bot.core.contact import MAX_TEXT, ContactError, find_commune, normalize_name, normalize_phone, normalize_tax_code
from bot.core.fields import FLAG_CHOICES, FieldError, parse_flag, unprintable
from bot.core.lifecycle import Draft
from bot.core.publication import public_record
from bot.core.services import Core
from storage.models import ProcessedEvent
from storage.tickets import all_tickets

IMPORT_CHANNEL = "import"

STAFF_FIELDS = (
    "code",
    "kind",
    "state",
    "topic_id",
    "agency_id",
    "source",
    "created_at",
    "ack_due_at",
    "answer_due_at",
    "taken_at",
    "first_response_at",
    "resolved_at",
    "closed_at",
    "close_reason",
    "contact_name",
    "contact_phone",
    "company",
    "tax_code",
    "commune_code",
    "confidential",
    "consent_publish",
    "outcome",
    "rating",
    "transfer_count",
    "extension_days",
    "reopen_count",
    "hidden",
    "text",
    "answer_text",
)


@dataclass
class ImportProblem:
    """One invalid input row."""

    line: int
    message: str


def _rows(text: str, path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number where the record starts, record) for a JSONL or CSV file; broken records carry __error__."""
    if path.suffix.lower() in {".jsonl", ".json", ".ndjson"}:
        for number, line in enumerate(text.splitlines(), 1):
            if line.strip():
                try:
                    value = json.loads(line)
                except json.JSONDecodeError as exc:
                    yield number, {"__error__": f"JSON không hợp lệ: {exc.msg}"}
                    continue
                yield (
                    number,
                    value if isinstance(value, dict) else {"__error__": "mỗi dòng phải là một đối tượng JSON"},
                )
        return
    yield from _csv_rows(text)


def _csv_rows(text: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """CSV records, strictly: a quote left open, text after a closing quote or a wrong cell count is an error."""
    reader = csv.reader(io.StringIO(text), strict=True)
    header: list[str] | None = None
    start = 1  # a quoted cell may span several lines: a record is reported at the line where it starts
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield start, {"__error__": _csv_problem(str(exc))}
            start = reader.line_num + 1
            continue
        if header is None:
            header = [name.strip() for name in cells]
            problems = _header_problems(header)
            if problems:  # every record would be read wrongly
                yield from ((1, {"__error__": problem}) for problem in problems)
                return
        elif any(cell.strip() for cell in cells):
            if len(cells) != len(header):
                yield start, {"__error__": f"dòng có {len(cells)} ô nhưng tiêu đề có {len(header)} cột"}
            else:
                yield start, dict(zip(header, cells, strict=True))
        start = reader.line_num + 1


def _csv_problem(message: str) -> str:
    if "unexpected end of data" in message:
        return 'dấu ngoặc kép (") mở ở dòng này không được đóng'
    if "expected after" in message:
        return 'có ký tự sau dấu ngoặc kép đóng (trong ô có ngoặc kép, viết "" cho một dấu ")'
    return f"dòng CSV không hợp lệ: {message}"


def _header_problems(header: list[str]) -> list[str]:
    problems = [f"cột '{name}' lặp lại" for name in sorted({n for n in header if header.count(n) > 1})]
    unknown = [name for name in header if name and name not in COLUMNS]  # unnamed empty columns are harmless
    if unknown:
        problems.append(f"cột không được hỗ trợ: {', '.join(map(repr, unknown))}; các cột nhận: {', '.join(FIELDS)}")
    if "text" not in header:
        problems.append("thiếu cột text (nội dung)")
    return problems


def _when(raw: Any, now: datetime) -> datetime | None:
    """An ISO 8601 moment (Vietnam time without an offset) since 2000 and not in the future."""
    if raw in (None, ""):
        return None
    try:
        value = datetime.fromisoformat(str(raw).strip().replace("Z", "+00:00"))
        value = (value.replace(tzinfo=TZ) if value.tzinfo is None else value).astimezone(UTC)
    except (ValueError, OverflowError):
        raise ValueError(f"created_at không đúng định dạng ISO 8601 (ví dụ 2026-03-09 08:15): {raw}") from None
    if not EARLIEST <= value <= now + timedelta(days=1):
        raise ValueError(f"created_at {raw} nằm ngoài khoảng từ năm {EARLIEST.year} đến hôm nay")
    return value


# Columns read into the new ticket, then export column names accepted for them (so that a staff export
# can be imported elsewhere); the other columns of `pcibot export` are accepted and not read (the new
# installation sets state, deadlines and codes itself). Any other column is refused: it would be lost.
FIELDS = (
    "text", "kind", "created_at", "contact_name", "contact_phone", "company", "tax_code", "commune", "topic",
    "agency", "source", "confidential", "consent_publish", "publish_company",
)  # fmt: skip
ALIASES = {"topic": "topic_id", "agency": "agency_id", "commune": "commune_code"}
COLUMNS = frozenset(FIELDS) | frozenset(ALIASES.values()) | frozenset(STAFF_FIELDS)
FLAGS = ("confidential", "consent_publish", "publish_company")
COMPANY_MAX = 300  # the column's size
_SOURCE = re.compile(r"[a-z0-9_-]{1,20}")
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)


def _opt(row: dict[str, Any], key: str) -> str | None:
    value = row.get(key)
    if value in (None, "") and key in ALIASES:
        value = row.get(ALIASES[key])
    return str(value).strip() if value not in (None, "") else None


def _flag(row: dict[str, Any], key: str) -> bool:
    try:
        return parse_flag(row.get(key))
    except FieldError:
        raise ValueError(f"{key} = {row.get(key)!r} không rõ có hay không; chỉ nhận {FLAG_CHOICES}") from None


def _check_cells(row: dict[str, Any]) -> None:
    """Every key is a known column and every value a printable scalar."""
    if row.get("", "") != "":
        raise ValueError("có ô không trống trong một cột không có tên")
    unknown = [key for key in row if key and key not in COLUMNS]
    if unknown:
        names = ", ".join(map(repr, unknown))
        raise ValueError(f"trường không được hỗ trợ: {names}; các trường nhận: {', '.join(FIELDS)}")
    for key, value in row.items():
        if not (value is None or isinstance(value, str | int | float | bool)):
            raise ValueError(f"{key} phải là chữ, số hoặc true/false")
        if isinstance(value, str) and unprintable(value):
            raise ValueError(f"{key} chứa ký tự điều khiển hoặc ký tự không hợp lệ")


def row_key(row: dict[str, Any]) -> str:
    """A fingerprint of an input row, so that importing the same file twice creates nothing twice."""
    canonical = json.dumps({k: str(v).strip() for k, v in row.items() if k and v not in (None, "")}, sort_keys=True)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def parse_row(core: Core, row: dict[str, Any]) -> Draft:
    """Validate one input row into a Draft; ValueError with a Vietnamese message if it is not valid."""
    if "__error__" in row:
        raise ValueError(str(row["__error__"]))
    _check_cells(row)
    text = _opt(row, "text")
    if not text:
        raise ValueError("thiếu nội dung (cột text)")
    if len(text) > MAX_TEXT:
        raise ValueError(f"nội dung dài {len(text)} ký tự, tối đa {MAX_TEXT}")
    company = _opt(row, "company")
    if company is not None and len(company) > COMPANY_MAX:
        raise ValueError(f"tên doanh nghiệp dài quá {COMPANY_MAX} ký tự")
    source = _opt(row, "source") or "import"
    if not _SOURCE.fullmatch(source):
        raise ValueError(f"nguồn '{source}' không hợp lệ (chữ thường không dấu, ví dụ hotline, paper, email)")
    confidential, consent, publish_company = (_flag(row, key) for key in FLAGS)
    kind = _opt(row, "kind") or "phan_anh"
    if kind not in lifecycle.KINDS:
        raise ValueError(f"loại '{kind}' không hợp lệ (phan_anh, kien_nghi, hoi_dap, to_cao)")
    topic, agency = _opt(row, "topic"), _opt(row, "agency")
    if topic is not None and topic not in core.rules.topics_by_id:
        raise ValueError(f"lĩnh vực '{topic}' không có trong routing_rules.yaml")
    if agency is not None and agency not in core.rules.agencies_by_id:
        raise ValueError(f"cơ quan '{agency}' không có trong routing_rules.yaml")
    created = _when(row.get("created_at"), core.now())
    commune = _opt(row, "commune")
    found = find_commune(commune) if commune else None
    if commune and found is None:
        raise ValueError(f"không tìm thấy xã/phường '{commune}'")
    try:
        name = _opt(row, "contact_name")
        phone = _opt(row, "contact_phone")
        tax = _opt(row, "tax_code")
        return Draft(
            text=text,
            kind=kind,
            source=source,
            contact_name=normalize_name(name) if name else None,
            contact_phone=normalize_phone(phone) if phone else None,
            company=company,
            tax_code=normalize_tax_code(tax) if tax else None,
            commune_code=found.code if found else None,
            confidential=confidential,
            consent_publish=consent,
            publish_company=publish_company,
            topic_id=topic,
            agency_id=agency,
            created_at=created,
        )
    except ContactError as exc:
        raise ValueError(f"thông tin liên hệ không hợp lệ ({exc.code})") from exc


@dataclass
class ImportResult:
    """What an import did: new tracking codes, rows already imported before, or the problems (nothing saved)."""

    codes: list[str]
    skipped: int
    problems: list[ImportProblem]


async def import_file(core: Core, path: Path) -> ImportResult:
    """Import every row, or nothing if any row is invalid; rows imported before are skipped."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        return ImportResult([], 0, [ImportProblem(1, "tệp phải được lưu bằng mã UTF-8 (CSV UTF-8 trong Excel)")])
    drafts: list[tuple[str, Draft]] = []
    problems: list[ImportProblem] = []
    for number, row in _rows(text, path):
        try:
            drafts.append((row_key(row), parse_row(core, row)))
        except ValueError as exc:
            problems.append(ImportProblem(number, str(exc)))
    if problems:
        return ImportResult([], 0, problems)
    codes: list[str] = []
    skipped = 0
    async with core.maker() as session, session.begin():
        for key, draft in drafts:
            if await session.get(ProcessedEvent, (IMPORT_CHANNEL, key)) is not None:
                skipped += 1
                continue
            session.add(ProcessedEvent(channel=IMPORT_CHANNEL, event_id=key, processed_at=core.now()))
            ticket = await lifecycle.submit(session, core, draft, SYSTEM)
            codes.append(ticket.code)
    return ImportResult(codes, skipped, [])


def _cell(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


async def export(core: Core, out: TextIO, fmt: str = "csv", public: bool = False) -> int:
    """Write every ticket (public fields only with `public`, hidden tickets left out); returns the count."""
    async with core.maker() as session:
        tickets = await all_tickets(session, public_only=public)
    records = [public_record(t) if public else {f: _cell(getattr(t, f)) for f in STAFF_FIELDS} for t in tickets]
    if fmt == "jsonl":
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    else:
        fields = list(records[0]) if records else list(STAFF_FIELDS)
        writer = csv.DictWriter(out, fieldnames=fields)
        writer.writeheader()
        writer.writerows(records)
    return len(records)
