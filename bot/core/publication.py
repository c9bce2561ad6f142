"""What may be published about a ticket, and scrubbing personal data out of published text."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Any

from storage.models import Ticket

MASK = "[đã ẩn]"
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# Runs of digits with optional separators: phones, tax codes, personal ids, bank accounts.
_DIGITS = re.compile(r"(?<![\w])\+?\d(?:[\d .\-()]{6,24}\d)(?![\w])")
_HONORIFICS = ("anh", "chị", "chi", "ông", "ong", "bà", "ba", "em", "cô", "co", "chú", "chu", "bác", "bac")


def _fold(s: str) -> str:
    nfd = unicodedata.normalize("NFD", s.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in nfd if unicodedata.category(c) != "Mn").lower()


def _mask_digits(match: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", match.group(0))
    return MASK if len(digits) >= 8 else match.group(0)


def _mask_phrase(text: str, phrase: str) -> str:
    """Replace a phrase wherever it appears, ignoring case and diacritics (same length after folding)."""
    phrase = phrase.strip()
    if len(phrase) < 2:
        return text
    folded, target = _fold(text), _fold(phrase)
    if len(folded) != len(text):  # folding changed lengths: fall back to a case-insensitive match
        return re.sub(re.escape(phrase), MASK, text, flags=re.IGNORECASE)
    out, start = [], 0
    pattern = re.compile(rf"(?<!\w){re.escape(target)}(?!\w)")
    for m in pattern.finditer(folded):
        out.append(text[start : m.start()])
        out.append(MASK)
        start = m.end()
    out.append(text[start:])
    return "".join(out)


def scrub(text: str, names: Iterable[str | None] = ()) -> str:
    """Remove e-mails, phone numbers, tax codes, personal ids, account numbers and the given names."""
    result = _EMAIL.sub(MASK, text)
    result = _DIGITS.sub(_mask_digits, result)
    for name in names:
        if not name:
            continue
        result = _mask_phrase(result, name)
        parts = name.split()
        if len(parts) >= 2:
            given = parts[-1]
            for title in _HONORIFICS:
                result = _mask_phrase(result, f"{title} {given}")
    return result


def is_restricted(ticket: Ticket) -> bool:
    """Confidential items and reports of misconduct publish only code, topic, agency, status and dates."""
    return ticket.confidential or ticket.kind == "to_cao"


def public_summary(ticket: Ticket) -> str | None:
    """The published content: only with consent, never for restricted items, always scrubbed."""
    if is_restricted(ticket) or not ticket.consent_publish:
        return None
    names = [ticket.contact_name] + ([] if ticket.publish_company else [ticket.company])
    return scrub(ticket.text, names)


def public_answer(ticket: Ticket) -> str | None:
    """The agency's answer as published (scrubbed of the submitter's details)."""
    if ticket.answer_text is None or is_restricted(ticket):
        return None
    names = [ticket.contact_name] + ([] if ticket.publish_company else [ticket.company])
    return scrub(ticket.answer_text, names)


def public_record(ticket: Ticket) -> dict[str, Any]:
    """The public fields of a ticket (open data, export --public)."""
    restricted = is_restricted(ticket)
    return {
        "code": ticket.code,
        "kind": ticket.kind,
        "topic": ticket.topic_id,
        "agency": ticket.agency_id,
        "state": ticket.state,
        "created_at": ticket.created_at.isoformat(),
        "answer_due_at": ticket.answer_due_at.isoformat(),
        "resolved_at": ticket.resolved_at.isoformat() if ticket.resolved_at else None,
        "outcome": None if restricted else ticket.outcome,
        "company": ticket.company if ticket.publish_company and not restricted else None,
        "summary": public_summary(ticket),
        "answer": public_answer(ticket),
        "rating": None if restricted else ticket.rating,
        "transfers": ticket.transfer_count,
        "extended_days": ticket.extension_days,
    }
