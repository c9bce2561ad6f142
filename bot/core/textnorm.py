"""Text normalisation for routing: NFC, lowercase, Vietnamese diacritic folding, chat shorthand expansion."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

__all__ = [
    "NUMBER",
    "SHORTHAND",
    "Token",
    "cjk_runs",
    "fold",
    "has_cjk",
    "normalize",
    "normalize_text",
    "tokenize",
]

# Chat shorthand as Vietnamese businesses write it (keys are already folded: no diacritics, "đ" → "d").
# Expanded only when the word was typed without tone marks ("đc" yes, "hồng" never).
# Ambiguous abbreviations ("dt": đầu tư / điện thoại, "hd": hóa đơn / hợp đồng, "a": anh / English "a")
# are deliberately left alone.
SHORTHAND: Mapping[str, str] = {
    "ko": "khong",
    "k": "khong",
    "khg": "khong",
    "hok": "khong",
    "dc": "duoc",
    "cty": "cong ty",
    "dn": "doanh nghiep",
    "dns": "doanh nghiep",
    "hs": "ho so",
    "gp": "giay phep",
    "gpkd": "giay phep kinh doanh",
    "gpxd": "giay phep xay dung",
    "sdt": "so dien thoai",
    "bh": "bao gio",
    "r": "roi",
    "j": "gi",
    "z": "vay",
    "ntn": "nhu the nao",
    "tl": "tra loi",
    "kd": "kinh doanh",
    "dkkd": "dang ky kinh doanh",
    "gcndkkd": "giay chung nhan dang ky kinh doanh",
    "dkdn": "dang ky doanh nghiep",
    "hkd": "ho kinh doanh",
    "gtgt": "gia tri gia tang",
    "tncn": "thu nhap ca nhan",
    "tndn": "thu nhap doanh nghiep",
    "mst": "ma so thue",
    "hddt": "hoa don dien tu",
    "xd": "xay dung",
    "nv": "nhan vien",
    "cb": "can bo",
    "cbcc": "can bo cong chuc",
    "tp": "thanh pho",
    "ubnd": "uy ban nhan dan",
    "hdnd": "hoi dong nhan dan",
    "tthc": "thu tuc hanh chinh",
    "gcn": "giay chung nhan",
    "qsdd": "quyen su dung dat",
    "gcnqsdd": "giay chung nhan quyen su dung dat",
    "gpmb": "giai phong mat bang",
    "kcn": "khu cong nghiep",
    "ccn": "cum cong nghiep",
    "kkt": "khu kinh te",
    "bds": "bat dong san",
    "bhxh": "bao hiem xa hoi",
    "pccc": "phong chay chua chay",
    "attp": "an toan thuc pham",
    "atvstp": "an toan ve sinh thuc pham",
    "dtm": "danh gia tac dong moi truong",
    "xnk": "xuat nhap khau",
    "sx": "san xuat",
    "sxkd": "san xuat kinh doanh",
    "kbnn": "kho bac nha nuoc",
    "nsnn": "ngan sach nha nuoc",
    "nhnn": "ngan hang nha nuoc",
    "cq": "co quan",
    "cqnn": "co quan nha nuoc",
    "vb": "van ban",
    "qd": "quyet dinh",
    "kq": "ket qua",
    "tg": "thoi gian",
    "ng": "nguoi",
    "vs": "voi",
    "e": "em",
    "mk": "minh",
    "ae": "anh em",
    "ac": "anh chi",
    "ad": "admin",
    "trc": "truoc",
    "sd": "su dung",
    "dvc": "dich vu cong",
    "hcc": "hanh chinh cong",
    "cntt": "cong nghe thong tin",
    "khcn": "khoa hoc cong nghe",
    "cds": "chuyen doi so",
    "tmdt": "thuong mai dien tu",
    "dnnvv": "doanh nghiep nho va vua",
    "sme": "doanh nghiep nho va vua",
    "smes": "doanh nghiep nho va vua",
    "fdi": "von dau tu nuoc ngoai",
    "csgt": "canh sat giao thong",
    "qltt": "quan ly thi truong",
    "thads": "thi hanh an dan su",
    "tand": "toa an nhan dan",
    # Run-together names of online systems and more office shorthand.
    "dichvucong": "dich vu cong",
    "dvcqg": "dich vu cong quoc gia",
    "thuedientu": "thue dien tu",
    "hoadondientu": "hoa don dien tu",
    "ttpvhcc": "trung tam phuc vu hanh chinh cong",
    "hdld": "hop dong lao dong",
    "bctc": "bao cao tai chinh",
    "bhyt": "bao hiem y te",
    "bhtn": "bao hiem that nghiep",
    "hq": "hai quan",
    "cct": "chi cuc thue",
    "vp": "van phong",
    "dv": "dich vu",
    "sp": "san pham",
    "ttdt": "thong tin dien tu",
    "dkdt": "dang ky dau tu",
    "gcndkdt": "giay chung nhan dang ky dau tu",
    "kdcdk": "kinh doanh co dieu kien",
    "gpmt": "giay phep moi truong",
    "ccdv": "cung cap dich vu",
    "mn": "moi nguoi",
}

_CJK_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_CJK_RANGES = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# Words; a number keeps its thousands separators and a unit glued to it ("2.000.000đ", "5tr").
_WORD_RE = re.compile(rf"[^\W_{_CJK_RANGES}]+(?:[.,]\d+)*(?:[^\W\d_{_CJK_RANGES}]+)?")
_REPEAT_RE = re.compile(r"([^\W\d_])\1{2,}")
_WORD_RUN_RE = re.compile(r"[^\W\d_]{3,}")


def _squeeze_word(match: re.Match[str]) -> str:
    """Collapse chat elongation ("quáaaa" → "quá") except in shorthand that repeats letters ("pccc")."""
    word = match.group(0)
    return word if word in SHORTHAND else _REPEAT_RE.sub(r"\1", word)
_SLASH_RE = re.compile(r"\b([^\W\d_])/([^\W\d_])\b")  # "a/c" → "ac" (anh chị), "đ/c" → "đc"-like
_SLASH_FIXED = {"đ/c": "địa chỉ", "d/c": "địa chỉ"}

# Vietnamese/Latin letters: char -> (folded ASCII, diacritic marks). "đ" counts as a mark of its own.
_FOLD: dict[int, str] = {}
_MARKS: dict[str, str] = {}


def _build_tables() -> None:
    ranges = [(0x00C0, 0x0250), (0x1E00, 0x1F00)]
    for lo, hi in ranges:
        for cp in range(lo, hi):
            ch = chr(cp)
            decomposed = unicodedata.normalize("NFD", ch)
            base = decomposed[0]
            marks = "".join(c for c in decomposed[1:] if unicodedata.combining(c))
            if base.isascii() and base.isalpha() and marks:
                _FOLD[cp] = base.lower() if ch.isupper() else base
                _MARKS[ch] = marks
    for ch, base in (("đ", "d"), ("Đ", "d")):
        _FOLD[ord(ch)] = base
        _MARKS[ch] = "đ"
    # Stray combining marks (text that was not NFC) fold away.
    for cp in range(0x0300, 0x0370):
        _FOLD[cp] = ""


_build_tables()


_D_ONLY = frozenset("đ")
# Numbers become "#" so a rule phrase written with any number ("đòi 5 triệu") matches every amount.
NUMBER = "#"
_NUM_UNIT_RE = re.compile(r"^(\d+(?:[.,]\d+)*)(tr|trieu|k|ty|ti|m2|ha|h|ngay|thang|nam|lan|d|dong|vnd)$")
_UNITS = {"tr": "trieu", "k": "nghin", "ti": "ty", "h": "gio", "d": "dong", "vnd": "dong"}


@dataclass(frozen=True, slots=True)
class Token:
    """One normalised word: folded ASCII form plus the diacritic marks it was written with (None: none)."""

    folded: str
    marks: frozenset[str] | None = None


def fold(text: str) -> str:
    """Lowercase and strip Vietnamese diacritics ("Đất đai" → "dat dai"); CJK and digits are kept."""
    return unicodedata.normalize("NFC", text).lower().translate(_FOLD)


def _marks_of(word: str) -> frozenset[str] | None:
    found: set[str] = set()
    for ch in word:
        m = _MARKS.get(ch)
        if m:
            found.update(m)
    return frozenset(found) if found else None


def _english_singular(word: str) -> str:
    # Folded Vietnamese syllables never end in "s", so this only touches English (and shorthand, skipped).
    if len(word) > 3 and word.endswith("s") and word.isascii() and not word.endswith(("ss", "us", "is")):
        if word.endswith("ies") and len(word) > 4:
            return word[:-3] + "y"
        return word[:-1]
    return word


def _word_tokens(word: str, expand: bool) -> tuple[Token, ...]:
    folded = word.translate(_FOLD)
    if not folded:
        return ()
    marks = _marks_of(word) if folded != word else None
    if folded[0].isdigit():
        if folded.isdigit() or folded.replace(".", "").replace(",", "").isdigit():
            return (Token(NUMBER),)
        m = _NUM_UNIT_RE.match(folded)
        if m:
            return (Token(NUMBER), Token(_UNITS.get(m[2], m[2])))
    if expand and (marks is None or marks == _D_ONLY):
        expansion = SHORTHAND.get(folded)
        if expansion is not None:
            return tuple(Token(part) for part in expansion.split())
    return (Token(_english_singular(folded), marks),)


_WORD_CACHE: dict[tuple[str, bool], tuple[Token, ...]] = {}
_WORD_CACHE_MAX = 200_000


def tokenize(text: str, *, expand: bool = True) -> list[Token]:
    """Split text into normalised Latin-script tokens (CJK is skipped; see cjk_runs)."""
    lowered = _WORD_RUN_RE.sub(_squeeze_word, unicodedata.normalize("NFC", text).lower())
    if "/" in lowered:
        for short, full in _SLASH_FIXED.items():
            lowered = lowered.replace(short, full)
        lowered = _SLASH_RE.sub(r"\1\2", lowered)
    tokens: list[Token] = []
    cache = _WORD_CACHE
    for word in _WORD_RE.findall(lowered):
        key = (word, expand)
        found = cache.get(key)
        if found is None:
            found = _word_tokens(word, expand)
            if len(cache) >= _WORD_CACHE_MAX:
                cache.clear()
            cache[key] = found
        tokens.extend(found)
    return tokens


def normalize(text: str) -> list[Token]:
    """Tokens of text after NFC, lowercase, diacritic folding and shorthand expansion."""
    return tokenize(text, expand=True)


def normalize_text(text: str) -> str:
    """normalize() joined with single spaces: "Hồ sơ ĐKKD cty" → "ho so dang ky kinh doanh cong ty"."""
    return " ".join(t.folded for t in normalize(text))


def has_cjk(text: str) -> bool:
    """True when text contains Chinese characters."""
    return _CJK_RE.search(text) is not None


def cjk_runs(text: str) -> list[str]:
    """Maximal runs of Chinese characters in text."""
    return _CJK_RE.findall(text)
