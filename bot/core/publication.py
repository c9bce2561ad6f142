"""What may be published about a ticket, and scrubbing personal data out of published text."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.contact import find_commune
from bot.core.fmt import fmt_date, local
from bot.core.i18n import t
from bot.core.names import KIN, LEGAL_FORM, TITLES, find_names
from bot.core.states import ticket_words
from storage.businesses import identities, identities_of_persons
from storage.models import Ticket


class Disclosable(Protocol):
    """What deciding on publication reads of a ticket: a Ticket, or a cluster candidate's plain row."""

    @property
    def kind(self) -> str: ...
    @property
    def confidential(self) -> bool: ...
    @property
    def contact_name(self) -> str | None: ...
    @property
    def contact_phone(self) -> str | None: ...
    @property
    def company(self) -> str | None: ...
    @property
    def publish_company(self) -> bool: ...
    @property
    def tax_code(self) -> str | None: ...


MASK = "[đã ẩn]"
NAME_MASK = "[đã ẩn tên]"  # a third person's name, after its honorific kept for reading: "ông [đã ẩn tên]"
FEED_EXCERPT = 600  # characters of content and answer in a public channel post
MIN_SECRET_DIGITS = 8  # a run of at least this many digits is a phone, tax code, personal id or account

# E-mails, also written "ten (at) gmail (dot) com" or "ten a còng gmail chấm com".
_AT = r"(?:@|\s*[\(\[\{]\s*(?:at|a còng|a cong)\s*[\)\]\}]\s*|\s+(?:at|a còng|a cong)\s+)"
_DOT = r"(?:\.|\s*[\(\[\{]\s*(?:dot|chấm|cham)\s*[\)\]\}]\s*|\s+(?:dot|chấm|cham)\s+)"
_EMAIL = re.compile(rf"[\w.+-]+{_AT}[\w-]+(?:{_DOT}[a-z]{{2,}})+", re.IGNORECASE)
# Profile links on social networks and messengers name a person.
_PROFILE = re.compile(
    r"(?:https?://)?(?:www\.|m\.)?(?:facebook\.com|fb\.com|fb\.me|zalo\.me|t\.me|telegram\.me|tiktok\.com|"
    r"instagram\.com|linkedin\.com/in)/[^\s,;)]*[^\s,;).]",
    re.IGNORECASE,
)
# Chat handles such as @nguyenvanan (e-mails are removed before).
_HANDLE = re.compile(r"(?<![\w@])@[A-Za-z][\w.]{3,31}")
# Numbers: dates, amounts of money and year ranges are kept; any other run of 8+ digits is masked.
_NUMBER = re.compile(
    r"(?<![\d])(?:"
    r"(?P<date>(?:0?[1-9]|[12]\d|3[01])(?P<ds>[./-])(?:0?[1-9]|1[0-2])(?P=ds)(?:19|20)\d\d)"
    r"|(?P<years>(?:19|20)\d\d\s?[-–]\s?(?:19|20)\d\d)"
    r"|(?P<money>[1-9]\d{0,2}(?P<ms>[.,])\d{3}(?:(?P=ms)\d{3})*)"
    r"|(?P<num>(?:\(\s?\+?\d{1,3}\s?\)\s?|\+\s?)?\d(?:[ \u00a0.\-()]{1,2}\d|\d)*)"
    r")(?![\d])"
)
@lru_cache(maxsize=8192)
def _fold_char(ch: str) -> str:
    if ch in "đĐ":
        return "d"
    decomposed = unicodedata.normalize("NFD", ch)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def fold(text: str) -> str:
    """Lower-case text without diacritics (đ → d), for matching what people type."""
    return "".join(_fold_char(c) for c in text)


def _mapped(text: str, char: Callable[[str], str]) -> tuple[str, list[int]]:
    """Text transformed per character and, for each resulting character, the index of its source."""
    parts: list[str] = []
    index: list[int] = []
    for i, ch in enumerate(text):
        out = char(ch)
        parts.append(out)
        index.extend([i] * len(out))
    return "".join(parts), index


def _words(phrase: str, norm: Callable[[str], str]) -> list[str]:
    return [w for w in re.split(r"[\s,.;:_-]+", norm(phrase)) if w]


def _flex(words: Sequence[str], sep: str = r"\s+") -> str:
    return sep.join(re.escape(w) for w in words)


def _lower(text: str) -> str:
    return text.lower()


def _compile(alternatives: Iterable[str]) -> re.Pattern[str] | None:
    unique = sorted({a for a in alternatives if a}, key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(unique) + r")(?!\w)") if unique else None


def _short_forms(words: Sequence[str], norm: Callable[[str], str]) -> list[str]:
    """A title before part of the name: anh An, chị Hoa, ông Nguyễn, giám đốc Văn An."""
    titles = "|".join(_flex(_words(t, norm)) for t in (*KIN, *TITLES))
    if len(words) == 1:
        return [rf"(?:{titles})\s+{re.escape(words[0])}"]
    return [
        rf"(?:{titles})\s+{re.escape(words[-1])}",
        rf"(?:{titles})\s+{_flex(words[-2:])}",
        rf"(?:{titles})\s+{re.escape(words[0])}(?:\s+{re.escape(words[-1])})?",
    ]


@dataclass(frozen=True)
class _NamePatterns:
    full: re.Pattern[str] | None  # on folded text: distinctive enough to match with or without diacritics
    short_accented: re.Pattern[str] | None  # on lower-cased text, diacritics as typed in the name
    short_plain: re.Pattern[str] | None  # on folded text, accepted only where typed without diacritics


@lru_cache(maxsize=4096)
def _name_patterns(people: tuple[str, ...], companies: tuple[str, ...]) -> _NamePatterns:
    """Regexes for every way the given people's and companies' names are written."""
    full: list[str] = []
    accented: list[str] = []
    plain: list[str] = []
    for raw in people + companies:
        words = _words(raw, fold)
        if len(words) >= 2:
            full.append(_flex(words, r"[\s._-]*"))  # also nguyenvanan, nguyen.van.an
    for raw in people:
        words = _words(raw, fold)
        if not words or sum(len(w) for w in words) < 2:
            continue
        if len(words) >= 2:
            full.append(_flex([words[-1], *words[:-1]]))  # An Nguyen Van (English order)
            full.append(_flex([words[-1], words[0]]))  # An Nguyen
            if len(words) >= 3:
                full.append(_flex([words[0], words[-1]]))  # Nguyễn An
        accented += _short_forms(_words(raw, _lower), _lower)
        plain += _short_forms(words, fold)
    for raw in companies:
        words = _words(raw, fold)
        core = LEGAL_FORM.sub(" ", " ".join(words)).split()
        if core != words and (len(core) >= 2 or (core and len(core[0]) >= 5)):
            full.append(_flex(core))  # the company without "Công ty TNHH …"
    return _NamePatterns(_compile(full), _compile(accented), _compile(plain))


def _single_word_names(names: Iterable[str]) -> list[str]:
    """One-word names, masked as a capitalised word only ('Minh' but not 'minh bạch')."""
    return [n.strip() for n in names if len(n.split()) == 1 and len(n.strip()) >= 2]


def _digits(s: str) -> str:
    return re.sub(r"\D", "", s)


def _secret_forms(numbers: Iterable[str]) -> list[str]:
    """Digit strings to mask wherever they appear: the number, and a phone without its trunk 0."""
    forms: list[str] = []
    for raw in numbers:
        d = _digits(raw)
        if len(d) >= 6:
            forms.append(d)
            if d.startswith("0") and len(d) >= 9:
                forms.append(d[1:])
    return forms


def _spans(
    text: str, names: tuple[str, ...], companies: tuple[str, ...], numbers: tuple[str, ...]
) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for found in (_EMAIL, _PROFILE, _HANDLE):
        spans += [m.span() for m in found.finditer(text)]
    secrets = _secret_forms(numbers)
    for m in _NUMBER.finditer(text):
        digits = _digits(m.group(0))
        if any(s in digits for s in secrets) or (m.group("num") and len(digits) >= MIN_SECRET_DIGITS):
            spans.append(m.span())
    patterns = _name_patterns(names, companies)
    folded, fold_index = _mapped(text, _fold_char)
    lowered, lower_index = _mapped(text, _lower)
    for pattern, mapped, index, plain_only in (
        (patterns.full, folded, fold_index, False),
        (patterns.short_accented, lowered, lower_index, False),
        (patterns.short_plain, folded, fold_index, True),
    ):
        if pattern is None:
            continue
        for m in pattern.finditer(mapped):
            start, end = index[m.start()], index[m.end() - 1] + 1
            if plain_only and fold(text[start:end]) != text[start:end].lower():
                continue  # "bán hàng" is not "bạn Hằng": typed with other diacritics
            spans.append((start, end))
    for word in _single_word_names(names):
        spans += [m.span() for m in re.finditer(rf"(?<!\w){re.escape(word)}(?!\w)", text)]
    return spans


@lru_cache(maxsize=16384)
def _scrub(text: str, names: tuple[str, ...], companies: tuple[str, ...], numbers: tuple[str, ...]) -> str:
    text = unicodedata.normalize("NFC", text)
    known = [(start, end, MASK) for start, end in _spans(text, names, companies, numbers)]
    others = [(start, end, NAME_MASK) for start, end in find_names(text)]
    out: list[str] = []
    pos = 0
    for start, end, mask in sorted(known + others):
        if start >= pos:
            out += [text[pos:start], mask]
        elif mask == MASK:  # overlaps the span just masked: the submitter's own details win
            out[-1] = MASK
        pos = max(pos, end)
    out.append(text[pos:])
    return "".join(out)


def _clean(values: Iterable[str | None]) -> tuple[str, ...]:
    return tuple(sorted({unicodedata.normalize("NFC", v).strip() for v in values if v and v.strip()}))


def scrub(
    text: str,
    names: Iterable[str | None] = (),
    numbers: Iterable[str | None] = (),
    companies: Iterable[str | None] = (),
) -> str:
    """Mask e-mails, profile links, chat handles, phone numbers, tax codes, personal ids, bank accounts,
    every written form of the given people's names (with or without diacritics, with honorifics such as
    "anh/chị/ông/bà" or roles such as "giám đốc"), of the companies (also without their legal form) and
    of the given numbers; and third persons' names after an honorific or a title, or starting with a common
    Vietnamese surname ("ông Hoàng Văn X" → "ông [đã ẩn tên]", see bot/core/names.py)."""
    return _scrub(text, _clean(names), _clean(companies), _clean(numbers))


@dataclass(frozen=True)
class Private:
    """The submitter's details that must never be published about one ticket."""

    names: tuple[str, ...]
    companies: tuple[str, ...]
    numbers: tuple[str, ...]


def private_details(ticket: Disclosable, display_names: Iterable[str | None] = ()) -> Private:
    """Contact name, chat display names, the company (unless consented), phone and tax code."""
    return Private(
        names=_clean([ticket.contact_name, *display_names]),
        companies=_clean([] if ticket.publish_company else [ticket.company]),
        numbers=_clean([ticket.contact_phone, ticket.tax_code]),
    )


def is_restricted(ticket: Disclosable) -> bool:
    """Confidential items and reports of misconduct publish only code, topic, agency, status and dates."""
    return ticket.confidential or ticket.kind == "to_cao"


def is_public(ticket: Ticket) -> bool:
    """Hidden tickets are left out of every public page, file and feed (they still count in statistics)."""
    return not ticket.hidden


def public_text(ticket: Ticket, text: str | None, display_names: Iterable[str | None] = ()) -> str | None:
    """Any text about a ticket (an extension reason, a refusal) as published: None for restricted items."""
    if text is None or is_restricted(ticket):
        return None
    private = private_details(ticket, display_names)
    return scrub(text, private.names, private.numbers, private.companies)


def public_summary(ticket: Ticket, display_names: Iterable[str | None] = ()) -> str | None:
    """The published content: only with consent, never for restricted items, always scrubbed."""
    if not ticket.consent_publish:
        return None
    return public_text(ticket, ticket.text, display_names)


def public_answer(ticket: Ticket, display_names: Iterable[str | None] = ()) -> str | None:
    """The agency's answer as published (scrubbed of the submitter's details)."""
    return public_text(ticket, ticket.answer_text, display_names)


def public_company(ticket: Ticket) -> str | None:
    """The company's name, only when it agreed to be named and the item is not restricted."""
    return ticket.company if ticket.publish_company and not is_restricted(ticket) else None


def public_commune(ticket: Ticket) -> str | None:
    """The commune or ward as published (Open311 `address`): only with consent, never for restricted items."""
    if not ticket.commune_code or not ticket.consent_publish or is_restricted(ticket):
        return None
    commune = find_commune(ticket.commune_code)
    return commune.name if commune is not None else None


# What a ticket publishes, in the order the review screen lists it: always, or when its rule allows.
ALWAYS_PUBLIC = ("code", "topic", "agency", "status")


def public_fields(ticket: Ticket, display_names: Iterable[str | None] = ()) -> list[str]:
    """The fields of a ticket that the public page, open data and Open311 show (the review screen names them)."""
    shown = {
        "kind": not is_restricted(ticket),
        "commune": public_commune(ticket) is not None,
        "company": public_company(ticket) is not None,
        "summary": public_summary(ticket, display_names) is not None,
    }
    order = ("code", "kind", "topic", "agency", "commune", "company", "summary", "status")
    return [f for f in order if f in ALWAYS_PUBLIC or shown[f]]


def iso_local(value: Any) -> str | None:
    """ISO 8601 in Vietnam's time zone with its offset (2026-03-10T09:00:00+07:00)."""
    return local(value).isoformat(timespec="seconds") if value is not None else None


def public_record(ticket: Ticket, display_names: Iterable[str | None] = ()) -> dict[str, Any]:
    """The public fields of a ticket (open data, export --public); see the field list on /open-data."""
    restricted = is_restricted(ticket)
    names = list(display_names)
    return {
        "code": ticket.code,
        "kind": None if restricted else ticket.kind,
        "topic": ticket.topic_id,
        "agency": ticket.agency_id,
        "state": ticket.state,
        "created_at": iso_local(ticket.created_at),
        "answer_due_at": iso_local(ticket.answer_due_at),
        "first_response_at": iso_local(ticket.first_response_at),
        "resolved_at": iso_local(ticket.resolved_at),
        "closed_at": iso_local(ticket.closed_at),
        "outcome": None if restricted else ticket.outcome,
        "company": public_company(ticket),
        "summary": public_summary(ticket, names),
        "answer": public_answer(ticket, names),
        "rating": None if restricted else ticket.rating,
        "transfers": ticket.transfer_count,
        "extended_days": ticket.extension_days,
        "reopened": ticket.reopen_count,
    }


async def display_names(session: AsyncSession, tickets: Sequence[Ticket]) -> dict[int, list[str]]:
    """Chat display names of each ticket's submitter (and of its linked identities): never published."""
    identity_ids = {tk.identity_id for tk in tickets if tk.identity_id is not None}
    if not identity_ids:
        return {}
    direct = await identities(session, identity_ids)
    persons = {i.person_id for i in direct if i.person_id is not None}
    linked = await identities_of_persons(session, persons) if persons else []
    by_person: dict[int, set[str]] = {}
    for identity in linked:
        if identity.person_id is not None and identity.display_name:
            by_person.setdefault(identity.person_id, set()).add(identity.display_name)
    names: dict[int, list[str]] = {}
    for identity in direct:
        own = {identity.display_name} if identity.display_name else set()
        names[identity.id] = sorted(own | by_person.get(identity.person_id or -1, set()))
    return {tk.id: names.get(tk.identity_id, []) for tk in tickets if tk.identity_id is not None}


def _excerpt(text: str) -> str:
    return text if len(text) <= FEED_EXCERPT else text[: FEED_EXCERPT - 1].rstrip() + "…"


def feed_text(ticket: Ticket, *, topic: str, agency: str, url: str, display_names: Iterable[str | None] = ()) -> str:
    """The public channel's post about a resolution: what /t/CODE shows, in Vietnamese, with its link."""
    names = list(display_names)
    lines = [
        t("web_feed_title", "vi", code=ticket.code, **ticket_words(None if is_restricted(ticket) else ticket.kind)),
        t("web_feed_meta", "vi", topic=topic, agency=agency),
        t(
            "web_feed_dates",
            "vi",
            received=fmt_date(ticket.created_at),
            due=fmt_date(ticket.answer_due_at),
            answered=fmt_date(ticket.resolved_at or ticket.updated_at),
        ),
    ]
    if ticket.outcome and not is_restricted(ticket):
        lines.append(t("web_feed_outcome", "vi", outcome=t(f"outcome_{ticket.outcome}", "vi")))
    summary = public_summary(ticket, names)
    if summary:
        lines.append(t("web_feed_summary", "vi", text=_excerpt(summary)))
    answer = public_answer(ticket, names)
    if answer:
        lines.append(t("web_feed_answer", "vi", text=_excerpt(answer)))
    lines.append(t("web_feed_link", "vi", url=url))
    return "\n".join(lines)
