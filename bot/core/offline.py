"""Offline intake and export: hotline, paper and e-mail items in CSV/JSONL in; tickets out, staff or public."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

from sqlalchemy import select

from bot.core import lifecycle
from bot.core.authz import SYSTEM
from bot.core.clock import TZ
from bot.core.contact import ContactError, find_commune, normalize_name, normalize_phone, normalize_tax_code
from bot.core.lifecycle import Draft
from bot.core.publication import public_record
from bot.core.services import Core
from storage.models import ProcessedEvent, Ticket

IMPORT_CHANNEL = "import"

TRUE = {"1", "true", "yes", "y", "co", "có", "x"}
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
    """(line number where the record starts, record) for a JSONL or CSV file."""
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
    reader = csv.DictReader(io.StringIO(text))
    start = 2  # line 1 is the header; a quoted cell may span several lines
    for row in reader:
        yield start, dict(row)
        start = reader.line_num + 1


def _when(raw: Any) -> datetime | None:
    if raw in (None, ""):
        return None
    value = datetime.fromisoformat(str(raw).strip().replace("Z", "+00:00"))
    return value.replace(tzinfo=TZ) if value.tzinfo is None else value


# Column names of `pcibot export` accepted as well, so that a staff export can be imported elsewhere.
ALIASES = {"topic": "topic_id", "agency": "agency_id", "commune": "commune_code"}


def _opt(row: dict[str, Any], key: str) -> str | None:
    value = row.get(key)
    if value in (None, "") and key in ALIASES:
        value = row.get(ALIASES[key])
    return str(value).strip() if value not in (None, "") else None


def row_key(row: dict[str, Any]) -> str:
    """A fingerprint of an input row, so that importing the same file twice creates nothing twice."""
    canonical = json.dumps({k: str(v).strip() for k, v in row.items() if k and v not in (None, "")}, sort_keys=True)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def parse_row(core: Core, row: dict[str, Any]) -> Draft:
    """Validate one input row into a Draft; ValueError with a Vietnamese message if it is not valid."""
    if "__error__" in row:
        raise ValueError(str(row["__error__"]))
    text = _opt(row, "text")
    if not text:
        raise ValueError("thiếu nội dung (cột text)")
    kind = _opt(row, "kind") or "phan_anh"
    if kind not in lifecycle.KINDS:
        raise ValueError(f"loại '{kind}' không hợp lệ (phan_anh, kien_nghi, hoi_dap, to_cao)")
    topic, agency = _opt(row, "topic"), _opt(row, "agency")
    if topic is not None and topic not in core.rules.topics_by_id:
        raise ValueError(f"lĩnh vực '{topic}' không có trong routing_rules.yaml")
    if agency is not None and agency not in core.rules.agencies_by_id:
        raise ValueError(f"cơ quan '{agency}' không có trong routing_rules.yaml")
    try:
        created = _when(row.get("created_at"))
    except ValueError as exc:
        raise ValueError(f"created_at không đúng định dạng ISO 8601: {row.get('created_at')}") from exc
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
            source=_opt(row, "source") or "import",
            contact_name=normalize_name(name) if name else None,
            contact_phone=normalize_phone(phone) if phone else None,
            company=_opt(row, "company"),
            tax_code=normalize_tax_code(tax) if tax else None,
            commune_code=found.code if found else None,
            confidential=str(row.get("confidential", "")).strip().lower() in TRUE,
            consent_publish=str(row.get("consent_publish", "")).strip().lower() in TRUE,
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
        query = select(Ticket).order_by(Ticket.created_at)
        if public:
            query = query.where(Ticket.hidden.is_(False))
        tickets = (await session.execute(query)).scalars().all()
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
