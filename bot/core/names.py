"""Third persons' names in Vietnamese free text: honorific or title + name, and bare "Họ Đệm Tên" full names."""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from functools import cached_property, lru_cache

from bot.core.contact import load_communes
from bot.core.textnorm import fold

__all__ = ["KIN", "LEGAL_FORM", "TITLES", "find_names"]

# How a person is addressed before a name: kinship words used as honorifics (the name follows directly) ...
KIN = (
    "ông", "bà", "anh", "chị", "em", "cô", "chú", "bác", "cụ", "cháu", "bạn", "dì", "cậu", "thím", "mợ",
    "anh/chị", "ông/bà", "mr", "mrs", "ms", "miss",
)  # fmt: skip
# ... and roles, which may be chained ("ông Phó Chủ tịch …") and may be followed by an agency instead of a name.
TITLES = (
    "đồng chí", "đ/c", "giám đốc", "phó giám đốc", "gđ", "pgđ", "kế toán", "kế toán trưởng", "chủ tịch",
    "phó chủ tịch", "cán bộ", "công chức", "chuyên viên", "nhân viên", "trưởng phòng", "phó trưởng phòng",
    "phó phòng", "thanh tra viên", "chánh thanh tra", "phó chánh thanh tra", "trưởng ban", "phó trưởng ban",
    "bí thư", "phó bí thư", "chủ nhiệm", "cục trưởng", "phó cục trưởng",
    "chi cục trưởng", "phó chi cục trưởng", "thủ trưởng", "luật sư", "bác sĩ", "thầy", "thầy giáo", "cô giáo",
)  # fmt: skip
# Kinship pairs that mean a group of people, not an honorific before a name ("anh em doanh nghiệp", "bà con").
_GROUPS = frozenset(
    {("anh", "em"), ("anh", "chi"), ("chi", "em"), ("ong", "ba"), ("ba", "con"), ("co", "chu"), ("co", "bac"),
     ("chu", "bac"), ("co", "di"), ("di", "chu"), ("con", "chau"), ("ong", "cha")}
)  # fmt: skip
# Words that open the name of an agency, an administrative unit or an organisation: what follows is not a person.
_ORG_HEADS = (
    "sở", "chi cục", "cục", "tổng cục", "phòng", "ban", "ban quản lý", "bql", "ủy ban", "uỷ ban", "ubnd", "hđnd",
    "trung tâm", "tòa án", "toà án", "tand", "viện", "viện kiểm sát", "công an", "kho bạc", "ngân hàng",
    "nhnn", "hội", "hiệp hội", "bộ", "văn phòng", "đội", "trạm", "thuế", "hải quan", "thanh tra", "mặt trận",
    "đảng ủy", "đảng uỷ", "liên đoàn", "tổ công tác", "tỉnh", "huyện", "xã", "phường", "thị trấn", "thị xã",
    "thành phố", "tp", "thôn", "bản", "làng", "xóm", "khu", "cụm", "cửa khẩu", "khu kinh tế", "khu công nghiệp",
)  # fmt: skip
# Words after which a capitalised name is a street, a place, an institution or a company, kept even when it
# is a person's name ("đường Trần Hưng Đạo", "Trường Lê Quý Đôn", "Công ty TNHH Nguyễn Kim").
_STREET_HEADS = (
    "đường", "phố", "ngõ", "ngách", "hẻm", "quốc lộ", "ql", "tỉnh lộ", "đại lộ", "cầu", "chợ", "trường",
    "bệnh viện", "đền", "chùa", "công viên", "quảng trường",
)  # fmt: skip
_COMPANY_HEADS = (
    "công ty", "cty", "tập đoàn", "htx", "hợp tác xã", "doanh nghiệp", "dntn", "hộ kinh doanh", "hkd",
    "cửa hàng", "nhà hàng", "khách sạn", "quán", "tiệm", "đại lý", "chi nhánh", "nhà máy", "xí nghiệp",
)  # fmt: skip
# Words of a company's legal form (on folded text); what is left is the distinctive name.
LEGAL_FORM = re.compile(
    r"\b(?:cong ty|cty|c\.ty|tnhh|co phan|cp|mtv|mot thanh vien|hai thanh vien|trach nhiem huu han|"
    r"doanh nghiep tu nhan|dntn|hop tac xa|htx|tap doan|chi nhanh|ho kinh doanh|hkd|"
    r"thuong mai|dich vu|xuat nhap khau|xnk|san xuat|dau tu|xay dung|tm|dv|sx|and|co\.?,? ltd|ltd|jsc|company)\b"
)
# Common Vietnamese surnames, with the Tày, Nùng, Dao and Thái surnames frequent in Lạng Sơn.
_SURNAMES = (
    "nguyễn", "trần", "lê", "phạm", "hoàng", "huỳnh", "phan", "vũ", "võ", "đặng", "bùi", "đỗ", "hồ", "ngô",
    "dương", "lý", "đinh", "đoàn", "trịnh", "trương", "lâm", "mai", "đào", "cao", "hà", "tô", "tạ", "lương",
    "lưu", "quách", "thân", "lại", "mạc", "kiều", "phùng", "đàm", "vương", "triệu", "chu", "mã", "nông",
    "lường", "vi", "vy", "lộc", "hứa", "lục", "bế", "sầm", "nịnh", "ma", "lăng", "lò", "mông", "lành", "diệp",
    "giáp", "ninh",
)  # fmt: skip
# Phrases (folded) that begin like a name but are ordinary words or an agency's field ("Hồ sơ", "Tài chính").
_NOT_NAMES = (
    "ho so", "ho chua", "ho nuoc", "ma so", "ma vach", "ma qr", "ma tra cuu", "ma ho so", "ma tuy", "ly do",
    "ly lich", "ly thuyet", "chu ky", "chu dao", "ha tang", "vi pham", "vi khuan", "vi mach", "vi tinh",
    "vi sinh", "vi bang", "pham vi", "pham phap", "pham toi", "nong nghiep", "nong san", "nong thon",
    "nong dan", "nong lam", "lam nghiep", "lam san", "dam phan", "dam thoai", "doan kiem tra", "doan thanh tra",
    "doan cong tac", "doan lien nganh", "doan thanh nien", "doan vien", "trieu dong", "trieu chung",
    "luong thuc", "luong huu", "luong toi", "luong co ban", "luong thang", "luong thuong", "lam viec",
    "dang ky", "do xe", "dao tao", "duong tinh", "duong lich", "tran nha", "le phi", "cao toc", "cao su",
    "cao diem", "cao nhat", "cao dang", "hoang hon", "mai tang", "vu khi", "vu truong", "luu tru", "luu y",
    "luu thong", "luu luong", "hua hen", "lanh manh", "luong truoc", "lo mo", "lo gach", "lo voi",
    "lo dot", "lo nung", "lo suoi", "lo hoi", "luc dia", "luc luong", "kieu hoi", "giap ranh", "giap bien",
    "than thien", "than nhan",
    "tai chinh", "tai nguyen", "kinh te", "noi vu", "tu phap", "xay dung", "cong thuong", "hai quan",
    "quan ly", "ke hoach", "dau tu", "van hoa", "y te", "giao duc", "moi truong", "lao dong", "hanh chinh",
    "tong hop", "to chuc", "dia chinh", "khoa hoc", "cong nghe", "giao thong", "van tai", "dan toc",
    "ton giao", "ngoai vu", "nhan su", "kinh doanh", "phap che", "mot cua", "tiep dan", "thong tin",
    "truyen thong", "quy hoach", "do thi", "an ninh", "kiem tra", "thi dua", "doanh nghiep", "co quan",
)  # fmt: skip
# Places and public figures written like a person's name, besides the province's communes and wards.
_KEEP = (
    "Lạng Sơn", "Cao Lộc", "Đồng Đăng", "Hữu Nghị", "Tân Thanh", "Cốc Nam", "Chi Ma", "Na Hình", "Bình Nghi",
    "Pò Chài", "Pò Nhùng", "Bảo Lâm", "Kỳ Lừa", "Mẫu Sơn", "Phai Loạn", "Mai Pha", "Hoàng Đồng", "Vĩnh Trại",
    "Quảng Lạc", "Lộc Bình", "Văn Lãng", "Tràng Định", "Bình Gia", "Bắc Sơn", "Hữu Lũng", "Chi Lăng",
    "Đình Lập", "Văn Quan", "Việt Bắc", "Việt Nam", "Trung Quốc", "Bằng Tường", "Quảng Tây", "Hà Khẩu",
    "Hà Nội", "Hồ Chí Minh", "Hải Phòng", "Đà Nẵng", "Cần Thơ", "Huế", "Bắc Giang", "Bắc Ninh", "Cao Bằng",
    "Thái Nguyên", "Quảng Ninh", "Tuyên Quang", "Lào Cai", "Lai Châu", "Điện Biên", "Sơn La", "Phú Thọ",
    "Hưng Yên", "Ninh Bình", "Thanh Hóa", "Thanh Hoá", "Nghệ An", "Hà Tĩnh", "Quảng Trị", "Quảng Ngãi",
    "Gia Lai", "Đắk Lắk", "Khánh Hòa", "Lâm Đồng", "Đồng Nai", "Tây Ninh", "Đồng Tháp", "Vĩnh Long",
    "An Giang", "Cà Mau", "Hà Giang", "Hà Nam", "Hòa Bình", "Yên Bái", "Bắc Kạn", "Hải Dương", "Nam Định",
    "Thái Bình", "Vĩnh Phúc", "Hà Lan", "Hàn Quốc", "Nhật Bản", "Thái Lan", "Mông Cổ", "Hoa Kỳ", "Bác Hồ",
    "Trần Hưng Đạo", "Lê Lợi", "Hai Bà Trưng", "Bà Triệu",
)  # fmt: skip
_TOKEN = re.compile(r"[^\W\d_]+(?:/[^\W\d_]+)*")
_SPACE = re.compile(r"[ \t\u00a0]+")
_DOTTED_SPACE = re.compile(r"\.?[ \t\u00a0]+")  # "Mr. Smith"
_NAME_GAP = re.compile(r"[ \t\u00a0]*[-–&][ \t\u00a0]*|[ \t\u00a0]+")  # inside an organisation's name
_DOTTED = frozenset({"mr", "mrs", "ms", "miss"})
MAX_SYLLABLE = 7  # letters in the longest Vietnamese syllable ("nghiêng")
MAX_NAME = 4  # syllables of a name


@dataclass(frozen=True, slots=True)
class _Tok:
    text: str
    start: int
    end: int
    lower: str
    folded: str

    @property
    def title(self) -> bool:
        return self.text[0].isupper() and (len(self.text) == 1 or self.text[1:].islower())

    @property
    def caps(self) -> bool:
        return len(self.text) > 1 and self.text.isupper()

    @property
    def capitalised(self) -> bool:
        return self.title or self.caps

    @property
    def plain(self) -> bool:
        """Typed without diacritics."""
        return self.lower == self.folded

    @property
    def syllable(self) -> bool:
        return self.text.isalpha() and len(self.text) <= MAX_SYLLABLE


_Entry = tuple[tuple[str, ...], tuple[str, ...]]  # the phrase's lower-cased words with diacritics, and folded


@lru_cache(maxsize=1)
def _index() -> dict[str, list[tuple[str, _Entry]]]:
    """Every table's phrases by their first folded word, longest first: (table, phrase)."""
    tables = {
        "kin": KIN,
        "title": TITLES,
        "org": _ORG_HEADS,
        "street": _STREET_HEADS,
        "company": _COMPANY_HEADS,
        "surname": _SURNAMES,
        "keep": (*_KEEP, *(c.name for c in load_communes())),
    }
    index: dict[str, list[tuple[str, _Entry]]] = {}
    for table, phrases in tables.items():
        for phrase in phrases:
            folded = tuple(fold(phrase).split())
            index.setdefault(folded[0], []).append((table, (tuple(phrase.lower().split()), folded)))
    for entries in index.values():
        entries.sort(key=lambda e: len(e[1][0]), reverse=True)
    return index


@lru_cache(maxsize=1)
def _not_names() -> dict[str, tuple[tuple[str, ...], ...]]:
    """The ordinary phrases by their first word."""
    by_first: dict[str, list[tuple[str, ...]]] = {}
    for phrase in _NOT_NAMES:
        words = tuple(phrase.split())
        by_first.setdefault(words[0], []).append(words)
    return {first: tuple(phrases) for first, phrases in by_first.items()}


class _Doc:
    """The word tokens of one text and phrase matching over them."""

    def __init__(self, text: str) -> None:
        self.text = text
        lower, folded = text.lower(), fold(text)
        if len(lower) != len(text) or len(folded) != len(text):  # a stray combining mark: token by token
            lower = folded = ""
        self.toks = [
            _Tok(
                m.group(0), m.start(), m.end(),
                lower[m.start() : m.end()] if lower else m.group(0).lower(),
                folded[m.start() : m.end()] if folded else fold(m.group(0)),
            )
            for m in _TOKEN.finditer(text)
        ]  # fmt: skip
        self._found: dict[int, dict[str, _Entry]] = {}
        toks = self.toks
        gaps = zip(toks, toks[1:], strict=False)
        self._spaced = [_SPACE.fullmatch(text[a.end : b.start]) is not None for a, b in gaps] + [False]

    def adjacent(self, i: int, gap: re.Pattern[str] = _SPACE) -> bool:
        """Token i + 1 follows token i with only the given separator between them (spaces: no punctuation)."""
        if i + 1 >= len(self.toks):
            return False
        if gap is _SPACE or self._spaced[i]:
            return self._spaced[i]
        toks = self.toks
        return gap.fullmatch(self.text[toks[i].end : toks[i + 1].start]) is not None

    def phrases(self, i: int) -> dict[str, _Entry]:
        """Each table's longest phrase written at token i. A word typed with diacritics must have the
        phrase's own ("chỉ" is not "chị"); a word typed without any stands for every accented form."""
        found = self._found.get(i)
        if found is not None:
            return found
        found = {}
        toks = self.toks
        spaced = self._spaced
        for table, (lower, folded) in _index().get(toks[i].folded, []) if i < len(toks) else []:
            n = len(lower)
            if table in found or i + n > len(toks) or not all(spaced[i : i + n - 1]):
                continue
            if all(toks[i + k].lower == lower[k] or (toks[i + k].plain and toks[i + k].folded == folded[k])
                   for k in range(n)):  # fmt: skip
                found[table] = (lower, folded)
        self._found[i] = found
        return found

    def starts_phrase(self, i: int) -> bool:
        """Token i may begin a phrase of some table (most words cannot: they are skipped at once)."""
        return self.toks[i].folded in _index()

    def match(self, i: int, table: str) -> int:
        """How many tokens the table's longest phrase at token i covers (0: none)."""
        found = self.phrases(i).get(table)
        return len(found[0]) if found else 0

    def loose(self, i: int, table: str) -> bool:
        """The phrase at token i was typed without its diacritics ("chi" for "chị")."""
        found = self.phrases(i).get(table)
        return found is not None and any(t.lower != w for t, w in zip(self.toks[i:], found[0], strict=False))

    def not_name(self, i: int) -> bool:
        """The words from token i begin an ordinary phrase ("Hồ sơ", "Tài chính"), whatever their case."""
        words = tuple(t.folded for t in self.toks[i : i + 3])
        return any(words[: len(p)] == p for p in _not_names().get(words[0], ()))

    def group(self, i: int) -> int:
        """Tokens of kinship words that mean a group ("anh chị em", "bà con") starting at token i."""
        n = 0
        while self.adjacent(i + n) and (self.toks[i + n].folded, self.toks[i + n + 1].folded) in _GROUPS:
            n += 1
        return n + 1 if n else 0

    def run_end(self, i: int, legal: frozenset[int] = frozenset()) -> int:
        """The index after the capitalised words (and legal-form words) of an organisation starting at token i."""
        j = i
        while j < len(self.toks) and (self.toks[j].capitalised or j in legal):
            if j > i and not self.adjacent(j - 1, _NAME_GAP):
                break
            j += 1
        return j

    @cached_property
    def legal_words(self) -> frozenset[int]:
        """Tokens inside a company's legal form ("TNHH", "thương mại", "cổ phần")."""
        starts: list[int] = []
        joined = ""
        for tok in self.toks:
            starts.append(len(joined))
            joined += tok.folded + " "
        covered: set[int] = set()
        for m in LEGAL_FORM.finditer(joined):
            covered.update(range(bisect_left(starts, m.start()), bisect_left(starts, m.end())))
        return frozenset(covered)

    def name_end(self, i: int, *, plain_only: bool) -> int:
        """The index after a name of 1–4 capitalised syllables starting at token i (i itself when none).
        Capitals only ("NGUYỄN VĂN AN") count after a known surname."""
        toks = self.toks
        if self.not_name(i):
            return i
        surname = self.match(i, "surname") > 0
        j = i
        while j < len(toks) and j - i < MAX_NAME and (j == i or self.adjacent(j - 1)):
            tok = toks[j]
            if not tok.syllable or not (tok.title or (tok.caps and surname)) or (plain_only and not tok.plain):
                break
            if j > i and (self.match(j, "title") or self.match(j, "org") > 1):
                break
            j += 1
        return j

    def honorifics_at(self, i: int) -> tuple[int, bool]:
        """Tokens of the honorifics and titles written at token i ("ông Phó Chủ tịch") and whether the last
        one is a title (then an agency or a place may follow instead of a name)."""
        n, last_title = 0, False
        while True:
            kin = 0 if n else self.match(i, "kin")  # "bà Anh": a name; "ông Chủ tịch": a chain
            title = self.match(i + n, "title")
            if not (kin or title):
                return n, last_title
            n, last_title = n + max(kin, title), title >= kin
            if not self.adjacent(i + n - 1):
                return n, last_title

    def protected_end(self, i: int) -> int:
        """After a place, an agency, a street or a company at token i: the index where it ends (i: none)."""
        if skip := max(self.match(i, "keep"), self.match(i, "org")):
            return i + skip
        street = self.match(i, "street")
        if street and (self.toks[i].title or self.toks[i].folded != "truong"):  # "Trường Lê Quý Đôn", "môi trường"
            return self.run_end(i + street)
        if company := self.match(i, "company"):
            return self.run_end(i + company, self.legal_words)
        return i


def find_names(text: str) -> list[tuple[int, int]]:
    """Character spans of third persons' names: after an honorific or a title ("ông Hoàng Văn X",
    "giám đốc Lan", "đ/c Nông Thị Mai"), and full names of 2–4 capitalised syllables starting with a common
    surname ("Lường Văn Páo"). Places, agencies, streets and companies are left alone."""
    doc = _Doc(text)
    toks = doc.toks
    spans: list[tuple[int, int]] = []
    if not any(tok.capitalised for tok in toks):  # every name is capitalised
        return spans
    i = 0
    while i < len(toks):
        if not doc.starts_phrase(i):
            i += 1
            continue
        n, last_title = doc.honorifics_at(i)
        protected = doc.protected_end(i)
        if protected > i and protected - i >= n:  # "Bác Hồ", "Thanh tra tỉnh"; but "thanh tra viên Lan"
            i = protected
            continue
        if group := doc.group(i):
            i += group
            continue
        if n:
            j = i + n
            gap = _DOTTED_SPACE if toks[j - 1].folded in _DOTTED else _SPACE
            if (last_title and doc.protected_end(j) > j) or not doc.adjacent(j - 1, gap) or doc.group(j):
                i = j
                continue
            end = doc.name_end(j, plain_only=doc.loose(i, "kin") or doc.loose(i, "title"))
            if end > j:
                spans.append((toks[j].start, toks[end - 1].end))
            i = max(end, j)
            continue
        if toks[i].capitalised and doc.match(i, "surname"):
            end = doc.name_end(i, plain_only=doc.loose(i, "surname"))
            if end - i >= 2:
                spans.append((toks[i].start, toks[end - 1].end))
                i = end
                continue
        i += 1
    return spans
