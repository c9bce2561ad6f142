"""Language of a business's first message: langdetect, guarded against Vietnamese typed without diacritics."""

from __future__ import annotations

import re
import unicodedata

from langdetect import DetectorFactory, LangDetectException, detect_langs

DetectorFactory.seed = 0

_CJK = re.compile(r"[\u4e00-\u9fff]")
_VI_MARKS = re.compile(r"[ăâđêôơưĂÂĐÊÔƠƯ]")
# Frequent Vietnamese words and chat shorthand that survive the loss of diacritics.
_VI_ASCII = frozenset(
    "khong ko k dc duoc cua cho la va toi em anh chi cty dn ho so thu tuc xin hoi nha nuoc thue dat "
    "giay phep kinh doanh bi chua r j vay a oi nhe minh ban lam sao tai gi nao sao roi can muon "
    "ve tren duoi mot hai ba nam ngay thang xa phuong tinh huyen so ubnd hs gp kd".split()
)


def _has_vietnamese_marks(text: str) -> bool:
    if _VI_MARKS.search(text):
        return True
    decomposed = unicodedata.normalize("NFD", text)
    return any(unicodedata.category(c) == "Mn" for c in decomposed)


def detect_language(text: str) -> str:
    """'vi', 'en' or 'zh' for a free text; Vietnamese whenever in doubt."""
    if _CJK.search(text):
        return "zh"
    if _has_vietnamese_marks(text):
        return "vi"
    words = re.findall(r"[a-z]+", text.lower())
    if not words:
        return "vi"
    vi_hits = sum(1 for w in words if w in _VI_ASCII)
    if vi_hits >= max(1, len(words) // 5):
        return "vi"
    try:
        guesses = detect_langs(text)
    except LangDetectException:
        return "vi"
    best = guesses[0]
    if best.lang == "en" and best.prob >= 0.8 and len(words) >= 3:
        return "en"
    return "vi"
