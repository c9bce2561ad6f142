"""Validation and normalisation of submitter details: phone, tax code, name and Lạng Sơn commune."""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from stdnum.exceptions import ValidationError
from stdnum.vn import mst

__all__ = [
    "MAX_ATTACHMENTS",
    "MAX_TEXT",
    "Commune",
    "ContactError",
    "find_commune",
    "find_communes",
    "fold",
    "load_communes",
    "normalize_name",
    "normalize_phone",
    "normalize_tax_code",
]

MAX_TEXT = 4000
MAX_ATTACHMENTS = 10
NAME_MIN = 2
NAME_MAX = 100

COMMUNES_CSV = Path(__file__).resolve().parent.parent / "data" / "lang_son_communes.csv"

_PHONE_CHARS_RE = re.compile(r"\+?[\d\s.\-()]+")
_MOBILE_RE = re.compile(r"0[35789]\d{8}")
_LANDLINE_RE = re.compile(r"02\d{9}")
_TAX_CHARS_RE = re.compile(r"[\d\s.\-]+")
_NON_ALNUM_RE = re.compile(r"[^0-9a-z]+")
_KIND_PREFIX_RE = re.compile(r"^(phuong\s+|xa\s+|p\.\s*|x\.\s*)")


class ContactError(ValueError):
    """Invalid submitter detail; `code` is a stable machine code such as "phone_invalid"."""

    def __init__(self, code: str, message: str | None = None) -> None:
        super().__init__(message or code)
        self.code = code


def fold(s: str) -> str:
    """Fold Vietnamese text for matching: NFD, drop combining marks, đ→d, lowercase."""
    decomposed = unicodedata.normalize("NFD", s)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return stripped.replace("đ", "d").replace("Đ", "D").lower()


def normalize_phone(raw: str) -> str:
    """Vietnamese mobile (03/05/07/08/09 + 8 digits) or landline (02x + 8 digits) as "0…"."""
    s = raw.strip()
    if not s or not _PHONE_CHARS_RE.fullmatch(s) or s.count("+") > 1:
        raise ContactError("phone_invalid", f"not a phone number: {raw!r}")
    digits = re.sub(r"\D", "", s)
    if s.startswith("+"):
        if not digits.startswith("84"):
            raise ContactError("phone_invalid", f"only Vietnamese (+84) numbers are accepted: {raw!r}")
        digits = digits[2:]
    elif digits.startswith("0084"):
        digits = digits[4:]
    elif digits.startswith("84") and len(digits) in (11, 12):
        digits = digits[2:]
    elif not digits.startswith("0"):
        raise ContactError("phone_invalid", f"a Vietnamese number starts with 0 or +84: {raw!r}")
    if not digits.startswith("0"):  # international form drops the trunk 0 (tolerate "+84 0912...")
        digits = "0" + digits
    if _MOBILE_RE.fullmatch(digits) or _LANDLINE_RE.fullmatch(digits):
        return digits
    raise ContactError("phone_invalid", f"not a Vietnamese mobile or landline number: {raw!r}")


def normalize_tax_code(raw: str) -> str:
    """Tax code (MST) of 10 digits or "NNNNNNNNNN-NNN" (checksum checked), or a 12-digit CCCD."""
    s = raw.strip()
    if not s or not _TAX_CHARS_RE.fullmatch(s):
        raise ContactError("tax_code_invalid", f"a tax code contains only digits: {raw!r}")
    digits = re.sub(r"\D", "", s)
    if len(digits) == 12:
        if "-" in s:  # a CCCD is never written with a dash; "NNNNNNNNNN-NN" is a mistyped branch code
            raise ContactError("tax_code_invalid", f"a 12-digit personal ID has no dash: {raw!r}")
        return digits
    if len(digits) in (10, 13):
        try:
            mst.validate(digits)
        except ValidationError as exc:
            raise ContactError("tax_code_invalid", f"invalid tax code {raw!r}: {exc}") from exc
        return digits if len(digits) == 10 else f"{digits[:10]}-{digits[10:]}"
    raise ContactError("tax_code_invalid", f"a tax code has 10, 12 or 13 digits: {raw!r}")


def normalize_name(raw: str) -> str:
    """Trimmed, space-collapsed, NFC name of 2..100 characters containing at least one letter."""
    s = " ".join(unicodedata.normalize("NFC", raw).split())
    if not NAME_MIN <= len(s) <= NAME_MAX:
        raise ContactError("name_invalid", f"a name has {NAME_MIN} to {NAME_MAX} characters")
    if not any(c.isalpha() for c in s):
        raise ContactError("name_invalid", "a name must contain letters")
    if any(unicodedata.category(c) == "Cc" for c in s):
        raise ContactError("name_invalid", "a name must not contain control characters")
    return s


@dataclass(frozen=True)
class Commune:
    """A commune-level unit of Lạng Sơn (since 01/07/2025), keyed by its official code."""

    code: str
    name: str
    kind: str  # "xa" | "phuong"


def _key(s: str) -> str:
    return " ".join(_NON_ALNUM_RE.sub(" ", fold(s)).split())


@lru_cache(maxsize=1)
def _communes() -> tuple[Commune, ...]:
    with COMMUNES_CSV.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    out: list[Commune] = []
    for row in rows:
        kind = row["kind"].strip()
        if kind not in ("xa", "phuong"):
            raise ValueError(f"{COMMUNES_CSV}: unknown kind {kind!r} for code {row['code']!r}")
        out.append(
            Commune(
                code=row["code"].strip(),
                name=unicodedata.normalize("NFC", row["name"].strip()),
                kind=kind,
            )
        )
    return tuple(out)


@lru_cache(maxsize=1)
def _by_code() -> dict[str, Commune]:
    return {c.code: c for c in _communes()}


@lru_cache(maxsize=1)
def _keyed() -> tuple[tuple[str, Commune], ...]:
    return tuple((_key(c.name), c) for c in _communes())


def load_communes() -> list[Commune]:
    """All communes and wards of Lạng Sơn from bot/data/lang_son_communes.csv."""
    return list(_communes())


def _split_kind(query: str) -> tuple[str, str | None]:
    """Matching key of a commune query and the kind named by its "xã"/"phường"/"x."/"p." prefix, if any."""
    m = _KIND_PREFIX_RE.match(fold(query).strip())
    if m is None:
        return _key(query), None
    kind = "phuong" if m.group(1).startswith("p") else "xa"
    return _key(fold(query).strip()[m.end() :]), kind


def find_commune(query: str) -> Commune | None:
    """Exact lookup by code (leading zeros optional) or name, ignoring case, diacritics, "xã"/"phường"."""
    q = query.strip()
    if not q:
        return None
    if q.isdigit():
        return _by_code().get(q.zfill(5)) if len(q) <= 5 else None
    key, kind = _split_kind(q)
    if not key:
        return None
    matches = [c for k, c in _keyed() if k == key]
    if not matches:
        return None
    preferred = [c for c in matches if c.kind == kind]
    return (preferred or matches)[0]


def find_communes(query: str, limit: int = 5) -> list[Commune]:
    """Suggestions: exact, then name-prefix, then word-prefix, then substring matches (or code prefix)."""
    q = query.strip()
    if not q or limit <= 0:
        return []
    if q.isdigit():
        hits = [c for c in _communes() if c.code.startswith(q) or c.code.lstrip("0").startswith(q)]
        return sorted(hits, key=lambda c: c.code)[:limit]
    key, kind = _split_kind(q)
    if not key:
        return []
    ranked: list[tuple[int, int, str, Commune]] = []
    for k, c in _keyed():
        if k == key:
            rank = 0
        elif k.startswith(key):
            rank = 1
        elif f" {key}" in f" {k}":
            rank = 2
        elif key in k:
            rank = 3
        else:
            continue
        ranked.append((rank, 0 if kind is None or c.kind == kind else 1, k, c))
    ranked.sort(key=lambda r: (r[0], r[1], r[2]))
    return [r[3] for r in ranked[:limit]]
